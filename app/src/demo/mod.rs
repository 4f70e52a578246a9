//! Demo accounts for every role, seeded once into a development database so a newcomer can
//! sign in straight away. Never seeded in production.

use anyhow::Context;

use crate::{
    auth::ssr::hash_secret,
    people::{store as people, Relationship},
    platform::{db::unix_now, Db},
    role::Role,
    teams::OrganisationKind,
};

/// Every demo account uses this password (not on any common-password list).
pub const DEMO_PASSWORD: &str = "demo-portal-2026";
pub const DEMO_SECRET_QUESTION: &str = "What was the name of your first school?";
pub const DEMO_SECRET_ANSWER: &str = "Oakfield Primary";

pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub note: &'static str,
}

pub const DEMO_ACCOUNTS: [DemoAccount; 6] = [
    DemoAccount {
        email: "parent@example.org",
        name: "Sam Taylor",
        role: Role::Citizen,
        note: "parent of two children",
    },
    DemoAccount {
        email: "young.person@example.org",
        name: "Jordan Reid",
        role: Role::Citizen,
        note: "young person aged 17, acting for themself",
    },
    DemoAccount {
        email: "senco@example.org",
        name: "Priya Shah",
        role: Role::Professional,
        note: "school SENCo",
    },
    DemoAccount {
        email: "psychologist@example.org",
        name: "Dr Dana Okafor",
        role: Role::Professional,
        note: "educational psychologist",
    },
    DemoAccount {
        email: "caseworker@example.org",
        name: "Chris Walker",
        role: Role::SenOfficer,
        note: "SEN team caseworker",
    },
    DemoAccount {
        email: "admin@example.org",
        name: "Alex Morgan",
        role: Role::Admin,
        note: "portal administrator",
    },
];

const SEEDED_KEY: &str = "demo_seeded_at";

/// Seeds the demo accounts unless this database was seeded before. Returns whether it seeded.
pub async fn seed_once(db: &Db, storage: &crate::platform::Storage) -> anyhow::Result<bool> {
    let already: Option<String> =
        sqlx::query_scalar("SELECT value FROM portal_meta WHERE key = $1")
            .bind(SEEDED_KEY)
            .fetch_optional(db.pool())
            .await
            .context("checking whether the demo accounts were seeded")?;
    if already.is_some() {
        return Ok(false);
    }
    // Hash before the transaction: argon2 is deliberately slow.
    let password_hash = hash_secret(DEMO_PASSWORD)?;
    let answer_hash = hash_secret(&crate::auth::normalise_secret_answer(DEMO_SECRET_ANSWER))?;
    let now = unix_now();
    let mut tx = db.pool().begin().await.context("seeding demo accounts")?;
    for account in &DEMO_ACCOUNTS {
        sqlx::query(
            "INSERT INTO users (email, full_name, role, password_hash, secret_question, \
             secret_answer_hash, email_confirmed_at, two_step_method, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'email', $7, $7) ON CONFLICT (email) DO NOTHING",
        )
        .bind(account.email)
        .bind(account.name)
        .bind(account.role.as_str())
        .bind(&password_hash.0)
        .bind(DEMO_SECRET_QUESTION)
        .bind(&answer_hash.0)
        .bind(now)
        .execute(&mut *tx)
        .await
        .with_context(|| format!("seeding {}", account.email))?;
    }
    seed_organisations(&mut tx, now)
        .await
        .context("seeding demo organisations")?;
    let children = seed_children(&mut tx)
        .await
        .context("seeding demo children")?;
    seed_assessments(&mut tx, &children)
        .await
        .context("seeding demo assessments and messages")?;
    sqlx::query("INSERT INTO portal_meta (key, value, updated_at) VALUES ($1, $2, $3)")
        .bind(SEEDED_KEY)
        .bind(now.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await
        .context("recording the demo seed")?;
    tx.commit().await.context("seeding demo accounts")?;
    seed_documents(db, storage, &children)
        .await
        .context("seeding demo shared documents")?;
    Ok(true)
}

/// The demo organisations and their members (by email address): the SENCo's school, the
/// educational psychology service with its psychologist, and a health team nobody is in yet.
pub const DEMO_ORGANISATIONS: [(&str, OrganisationKind, &[&str]); 3] = [
    (
        "Oakfield Primary School",
        OrganisationKind::School,
        &["senco@example.org"],
    ),
    (
        "Educational Psychology Service",
        OrganisationKind::EducationalPsychology,
        &["psychologist@example.org"],
    ),
    ("Children’s Community Health", OrganisationKind::Health, &[]),
];

async fn seed_organisations(tx: &mut sqlx::AnyConnection, now: i64) -> anyhow::Result<()> {
    for (name, kind, members) in DEMO_ORGANISATIONS {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (name, name_key, kind, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id",
        )
        .bind(name)
        .bind(crate::teams::name_key(name))
        .bind(kind.as_str())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for email in members {
            sqlx::query(
                "INSERT INTO organisation_members (organisation_id, user_id, added_at) \
                 SELECT $1, id, $2 FROM users WHERE email = $3",
            )
            .bind(id)
            .bind(now)
            .bind(*email)
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}

/// The demo children: the parent has two, the young person their own record, and the SENCo
/// works with the elder child.
/// First name, last name, date of birth, and who is linked to them (email, how).
type DemoChild = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, Relationship)],
);

pub const DEMO_CHILDREN: [DemoChild; 3] = [
    (
        "Ellie",
        "Taylor",
        "2017-05-14",
        &[
            ("parent@example.org", Relationship::ParentCarer),
            ("senco@example.org", Relationship::Professional),
        ],
    ),
    (
        "Max",
        "Taylor",
        "2021-09-02",
        &[("parent@example.org", Relationship::ParentCarer)],
    ),
    (
        "Jordan",
        "Reid",
        "2009-03-20",
        &[("young.person@example.org", Relationship::Myself)],
    ),
];

/// The demo children's ids, in `DEMO_CHILDREN` order.
async fn seed_children(tx: &mut sqlx::AnyConnection) -> Result<Vec<i64>, crate::error::AppError> {
    let mut ids = Vec::new();
    for (first, last, born, links) in DEMO_CHILDREN {
        let child = people::insert_child(&mut *tx, first, last, born, None).await?;
        for (email, relationship) in links {
            let user = user_id(tx, email).await?;
            people::link_child(&mut *tx, child.id, user, *relationship, true).await?;
        }
        ids.push(child.id);
    }
    Ok(ids)
}

async fn user_id(tx: &mut sqlx::AnyConnection, email: &str) -> Result<i64, crate::error::AppError> {
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&mut *tx)
        .await?;
    Ok(id)
}

const DAY: i64 = 86_400;

/// Max's advice, asked for on `asked`: the school's received, the educational psychology
/// service's overdue, and health's (asked for later) still due.
async fn seed_advice(
    tx: &mut sqlx::AnyConnection,
    max: i64,
    asked: crate::values::Date,
    caseworker: i64,
) -> Result<(), crate::error::AppError> {
    use crate::{
        advice::{store::insert_request, AdviceKind, DUE_AFTER_DAYS},
        status::timeline::add_days,
    };
    let health_asked = add_days(asked, 4 * 7);
    for (kind, organisation, received, asked_on) in [
        (
            AdviceKind::Educational,
            "Oakfield Primary School",
            Some(add_days(asked, 4 * 7)),
            asked,
        ),
        (
            AdviceKind::Psychological,
            "Educational Psychology Service",
            None,
            asked,
        ),
        (
            AdviceKind::Medical,
            "Children’s Community Health",
            None,
            health_asked,
        ),
    ] {
        let organisation_id: i64 =
            sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
                .bind(organisation)
                .fetch_one(&mut *tx)
                .await?;
        let id = insert_request(
            &mut *tx,
            &crate::advice::store::NewRequest {
                child_id: max,
                kind,
                organisation_id,
                person_id: None,
                note: "",
                asked_on,
                due_on: add_days(asked_on, DUE_AFTER_DAYS),
                asked_by: caseworker,
                asked_at: unix_now(),
            },
        )
        .await?;
        if let Some(on) = received {
            sqlx::query("UPDATE advice_requests SET received_on = $1 WHERE id = $2")
                .bind(on.iso())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(())
}

/// Two assessments at different stages, counted back from today so the demo always looks
/// current: Ellie's draft plan was issued 5 days ago (comments due in 10 days); Max's advice
/// gathering is a week overdue. The parent has three unread messages, two asking for forms.
async fn seed_assessments(
    tx: &mut sqlx::AnyConnection,
    children: &[i64],
) -> Result<(), crate::error::AppError> {
    use crate::{
        messages::store::{insert_message, FormRequest, NewMessage},
        status::{
            store::{record_stage, today},
            timeline::{add_days, Stage},
        },
    };
    let (ellie, max) = (children[0], children[1]);
    let caseworker = user_id(tx, "caseworker@example.org").await?;
    let parent = user_id(tx, "parent@example.org").await?;
    let today = today();
    let ellie_request = add_days(today, -(16 * 7 + 5));
    for (stage, day) in [
        (Stage::RequestReceived, 0),
        (Stage::DecisionToAssess, 5 * 7),
        (Stage::AdviceGathering, 11 * 7),
        (Stage::DecisionToIssue, 15 * 7),
        (Stage::DraftPlan, 16 * 7),
    ] {
        record_stage(
            &mut *tx,
            ellie,
            stage,
            add_days(ellie_request, day),
            Some(caseworker),
        )
        .await?;
    }
    seed_plan(&mut *tx, ellie, add_days(ellie_request, 16 * 7), caseworker).await?;
    let max_request = add_days(today, -(13 * 7));
    for (stage, day) in [
        (Stage::RequestReceived, 0),
        (Stage::DecisionToAssess, 6 * 7 - 1),
    ] {
        record_stage(
            &mut *tx,
            max,
            stage,
            add_days(max_request, day),
            Some(caseworker),
        )
        .await?;
    }
    seed_advice(&mut *tx, max, add_days(max_request, 6 * 7), caseworker).await?;
    // Ellie's case is Chris Walker's; Max's waits to be assigned.
    sqlx::query("UPDATE cases SET caseworker_id = $1 WHERE child_id = $2")
        .bind(caseworker)
        .bind(ellie)
        .execute(&mut *tx)
        .await?;
    let now = unix_now();
    let messages = [
        (
            30 * DAY,
            Some(ellie),
            "Welcome to the SEND portal",
            "We will message you here whenever we need something from you or have something to share. You will also get an email telling you to sign in.",
            None,
            true,
        ),
        (
            6 * DAY,
            Some(max),
            "Please give us your views about Max",
            "We are gathering advice for Max's EHC needs assessment. Please tell us about Max: what he enjoys, what he finds hard and what you hope for him.\n\nUse the button below to fill in the Parent/Carer Views form. It saves as you go, so you can come back to it.",
            Some(("parent-carer-views", 5)),
            false,
        ),
        (
            5 * DAY,
            Some(ellie),
            "Ellie's draft EHC plan is ready to read",
            "We have shared Ellie's draft EHC plan with you. You will find it in History on Ellie's page, under Shared with you.\n\nYou have 15 days to comment on it and to tell us which school you would like named in it.",
            None,
            false,
        ),
        (
            20 * DAY,
            Some(max),
            "We need your consent for Max's assessment",
            "Before we ask other professionals for advice about Max, we need your consent. Please fill in the E2 Parental Consent form.",
            Some(("e2-parental-consent", -3)),
            false,
        ),
    ];
    for (ago, child_id, subject, body, action, read) in messages {
        let sent_at = now - ago;
        let id = insert_message(
            &mut *tx,
            &NewMessage {
                recipient_id: parent,
                sender_id: Some(caseworker),
                child_id,
                case_child_id: None,
                subject: subject.into(),
                body: body.into(),
                action: action.map(|(form_id, due_in): (&str, i64)| FormRequest {
                    form_id: form_id.into(),
                    due_on: add_days(today, due_in),
                }),
            },
            sent_at,
        )
        .await?;
        if read {
            sqlx::query("UPDATE messages SET read_at = $1 WHERE public_id = $2")
                .bind(sent_at + DAY)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(())
}

/// A small, valid PDF with one line of text, standing in for a real plan.
pub fn demo_pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// Ellie's decision letter and draft EHC plan (with its PDF).
/// Ellie's draft EHC plan, written in the portal and issued on `issued`: the family has 15
/// days from it to comment.
async fn seed_plan(
    tx: &mut sqlx::AnyConnection,
    ellie: i64,
    issued: crate::values::Date,
    caseworker: i64,
) -> Result<(), crate::error::AppError> {
    use crate::plans::{store, PlanKind};
    let (plan, _) = store::create_plan(&mut *tx, ellie, PlanKind::Draft, caseworker).await?;
    let sections: Vec<(&'static str, String)> = [
        ("A", "Ellie enjoys drawing, animals and being outdoors. She would like to have a best friend at school and to become a vet.\n\nHer parents want her to feel confident at school and to read for pleasure."),
        ("B", "Ellie has difficulties with reading and spelling (dyslexia) and with working memory. She finds it hard to follow spoken instructions with more than two steps, and becomes anxious when asked to read aloud."),
        ("C", "Ellie has mild asthma, managed with an inhaler. She has no other health needs related to her special educational needs."),
        ("D", "None identified."),
        ("E", "By the end of Year 5, Ellie will read age-appropriate texts with support, and will ask for help when she does not understand an instruction.\n\nBy the end of Key Stage 2, Ellie will take part in small-group discussions with confidence."),
        ("F", "A structured, multi-sensory literacy programme, 3 sessions of 30 minutes a week, delivered by a trained teaching assistant.\n\nInstructions given in short steps, written down as well as spoken.\n\nA termly review of progress by the school's SENCO, with advice from the educational psychologist."),
        ("G", "The school nurse to update Ellie's asthma care plan each year."),
        ("H", "None."),
        ("J", "No personal budget has been asked for."),
        ("K", "Advice from Ellie's parents, her school, Dr Dana Okafor (educational psychologist) and the community paediatrician."),
    ]
    .into_iter()
    .map(|(letter, text)| (letter, text.to_owned()))
    .collect();
    store::save_sections(&mut *tx, plan, &sections, caseworker).await?;
    store::mark_issued(
        &mut *tx,
        plan,
        issued,
        Some(crate::status::timeline::comments_due(issued)),
        caseworker,
    )
    .await
}

async fn seed_documents(
    db: &Db,
    storage: &crate::platform::Storage,
    children: &[i64],
) -> Result<(), crate::error::AppError> {
    use crate::documents::{
        store::{share_document, NewDocument},
        DocumentKind,
    };
    let (caseworker, parent) = {
        let mut conn = db.pool().acquire().await?;
        (
            user_id(&mut conn, "caseworker@example.org").await?,
            user_id(&mut conn, "parent@example.org").await?,
        )
    };
    let ellie = children[0];
    for document in [
        NewDocument {
            child_id: ellie,
            shared_by: caseworker,
            kind: DocumentKind::Letter,
            title: "Decision to carry out an EHC needs assessment".into(),
            body: "Dear Sam Taylor,\n\nWe have decided to carry out an Education, Health and Care needs assessment for Ellie.\n\nWe will now ask Ellie's school, an educational psychologist, health and social care for their advice. We will also ask for your views and Ellie's.\n\nYours sincerely,\nChris Walker, SEN caseworker".into(),
            readers: vec![parent],
            files: Vec::new(),
        },
        NewDocument {
            child_id: ellie,
            shared_by: caseworker,
            kind: DocumentKind::DraftPlan,
            title: "Draft EHC plan for Ellie Taylor".into(),
            body: "This is Ellie's draft Education, Health and Care plan. It sets out her needs, the outcomes we are working towards and the support she will get.\n\nPlease read it, and tell us what you think and which school you would like named in section I.".into(),
            readers: vec![parent],
            files: vec![(
                "Ellie Taylor draft EHC plan.pdf".into(),
                demo_pdf("Draft EHC plan for Ellie Taylor").into(),
            )],
        },
    ] {
        share_document(db, storage, &document).await?;
    }
    Ok(())
}

/// The lines printed at start-up so a newcomer knows how to sign in.
pub fn describe() -> String {
    let mut out = format!(
        "Demo accounts (password for all: {DEMO_PASSWORD}; secret answer: {DEMO_SECRET_ANSWER}):\n"
    );
    for a in &DEMO_ACCOUNTS {
        out.push_str(&format!(
            "  {:<26} {:<14} {}\n",
            a.email,
            a.role.as_str(),
            a.note
        ));
    }
    out
}
