//! Where a child's EHC needs assessment stands: the statutory stages, their deadlines counted
//! from the request, and what is done, current, to come or overdue. Shared by the server and
//! the browser; the status diagram and the SEN team's dashboard draw from it.

pub mod timeline;
