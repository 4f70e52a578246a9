//! Where uploaded files are kept: a local folder by default, or an S3-compatible object store
//! (shared by several app servers). Files are stored under random keys, never under the name
//! they were uploaded with, and never inside a folder the web server serves.
//!
//! Built on the `object_store` crate, which gives both backends one interface.

use std::{fmt, path::Path, sync::Arc};

use bytes::Bytes;
use futures_util::StreamExt;
use object_store::{
    aws::AmazonS3Builder, local::LocalFileSystem, path::Path as Key, GetOptions, ObjectStore,
    PutOptions, PutPayload,
};

use crate::error::AppError;

/// The default largest upload: 20 MiB.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 20 * 1024 * 1024;

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// The largest file accepted, in bytes.
    pub max_upload_bytes: u64,
    described: Arc<str>,
}

impl fmt::Debug for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Storage({})", self.described)
    }
}

impl Storage {
    /// Files in a folder on this machine (created if missing).
    pub fn local(dir: &Path, max_upload_bytes: u64) -> anyhow::Result<Storage> {
        std::fs::create_dir_all(dir)?;
        let store = LocalFileSystem::new_with_prefix(dir)?;
        Ok(Storage {
            store: Arc::new(store),
            max_upload_bytes,
            described: format!("folder {}", dir.display()).into(),
        })
    }

    /// Files in a bucket of an S3-compatible store. Credentials, region and endpoint come from
    /// the usual `AWS_*` environment variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_REGION`, `AWS_ENDPOINT` for stores other than Amazon's).
    pub fn s3(bucket: &str, max_upload_bytes: u64) -> anyhow::Result<Storage> {
        // The S3 client's TLS uses the process's rustls provider: ring. Already installed (by
        // an earlier call) is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let store = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()?;
        Ok(Storage {
            store: Arc::new(store),
            max_upload_bytes,
            described: format!("S3 bucket {bucket}").into(),
        })
    }

    pub fn describe(&self) -> &str {
        &self.described
    }

    /// Stores `bytes` under a new random key and returns the key.
    pub async fn put(&self, bytes: Bytes) -> Result<String, AppError> {
        let key = crate::ids::token(16);
        self.store
            .put_opts(
                &Key::from(key.as_str()),
                PutPayload::from(bytes),
                PutOptions::default(),
            )
            .await
            .map_err(|e| crate::error::internal(format!("storing an upload: {e}")))?;
        Ok(key)
    }

    pub async fn get(&self, key: &str) -> Result<Bytes, AppError> {
        let found = self
            .store
            .get_opts(&Key::from(key), GetOptions::default())
            .await
            .map_err(|e| match e {
                object_store::Error::NotFound { .. } => AppError::NotFound,
                other => crate::error::internal(format!("reading an upload: {other}")),
            })?;
        found
            .bytes()
            .await
            .map_err(|e| crate::error::internal(format!("reading an upload: {e}")))
    }

    /// The keys of every stored file last written before `before` (seconds since 1970).
    pub async fn keys_older_than(&self, before: i64) -> Result<Vec<String>, AppError> {
        let mut listed = self.store.list(None);
        let mut keys = Vec::new();
        while let Some(meta) = listed.next().await {
            let meta = meta.map_err(|e| crate::error::internal(format!("listing uploads: {e}")))?;
            if meta.last_modified.timestamp() < before {
                keys.push(meta.location.to_string());
            }
        }
        Ok(keys)
    }

    /// Removes a stored file. A file already gone is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), AppError> {
        let key = Key::from(key);
        let mut done = self
            .store
            .delete_stream(futures_util::stream::once(async move { Ok(key) }).boxed());
        while let Some(result) = done.next().await {
            match result {
                Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
                Err(other) => {
                    return Err(crate::error::internal(format!(
                        "removing an upload: {other}"
                    )))
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stored_file_comes_back_and_can_be_removed() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::local(dir.path(), DEFAULT_MAX_UPLOAD_BYTES).unwrap();
        let key = storage
            .put(Bytes::from_static(b"%PDF-1.7 hello"))
            .await
            .unwrap();
        assert_eq!(key.len(), 32, "a random 128-bit key, not the file's name");
        assert_eq!(&storage.get(&key).await.unwrap()[..], b"%PDF-1.7 hello");
        storage.delete(&key).await.unwrap();
        assert!(matches!(storage.get(&key).await, Err(AppError::NotFound)));
        storage.delete(&key).await.unwrap();
    }
}
