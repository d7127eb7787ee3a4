//! The resource API (docs/API.md, resource-service) as typed calls on [`Client`]: the profile,
//! photos (upload with progress, listing as a stream that follows the keyset cursor, content),
//! and likes. Each goes through the same token rules as the auth calls.

use crate::client::{expect_no_content, parse, Client};
use crate::error::ClientError;
use bytes::Bytes;
use futures_util::stream::{self, Stream};
use photo_auth_types::{PhotoPage, PhotoView, ProfileView};
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::json;
use std::sync::Arc;
use uuid::Uuid;

/// Told how many bytes of an upload were sent so far, and of how many.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// How many bytes an upload hands to the connection at a time (and reports progress by).
const CHUNK: usize = 64 * 1024;

/// Whose photos a listing shows.
#[derive(Debug, Clone)]
pub enum Owner {
    Everyone,
    Me,
    User(String),
}

impl Client {
    pub async fn profile(&self) -> Result<ProfileView, ClientError> {
        let response = self
            .authorized(|c, token| c.api(Method::GET, "/profile").bearer_auth(token))
            .await?;
        parse(response).await
    }

    /// Sets the bio (`None` clears it); the rest of the profile stays as it is.
    pub async fn set_bio(&self, bio: Option<&str>) -> Result<ProfileView, ClientError> {
        self.patch_profile(json!({ "bio": bio })).await
    }

    /// Makes one of the caller's photos the avatar (`None` clears it).
    pub async fn set_avatar(&self, photo: Option<Uuid>) -> Result<ProfileView, ClientError> {
        self.patch_profile(json!({ "avatar_photo_id": photo }))
            .await
    }

    async fn patch_profile(&self, body: serde_json::Value) -> Result<ProfileView, ClientError> {
        let response = self
            .authorized(|c, token| {
                c.api(Method::PATCH, "/profile")
                    .bearer_auth(token)
                    .json(&body)
            })
            .await?;
        parse(response).await
    }

    /// Uploads the photo in `bytes` under `file_name`; `progress` hears of every chunk sent.
    pub async fn upload_photo(
        &self,
        file_name: &str,
        bytes: Bytes,
        caption: Option<&str>,
        progress: Option<Progress>,
    ) -> Result<PhotoView, ClientError> {
        let response = self
            .authorized(|c, token| {
                let mut form = Form::new().part("file", file_part(file_name, &bytes, &progress));
                if let Some(caption) = caption {
                    form = form.text("caption", caption.to_owned());
                }
                c.api(Method::POST, "/photos")
                    .bearer_auth(token)
                    .multipart(form)
            })
            .await?;
        parse(response).await
    }

    /// Uploads `length` bytes read from `body` as they come, without holding them. A stream
    /// cannot be sent twice, so this call does not retry after a 401: it renews the token first
    /// when it is due, and a 401 comes back as the error (after which the session's tokens have
    /// been renewed, so the caller may upload again).
    pub async fn upload_photo_stream<S>(
        &self,
        file_name: &str,
        body: S,
        length: u64,
        caption: Option<&str>,
        progress: Option<Progress>,
    ) -> Result<PhotoView, ClientError>
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + Sync + 'static,
    {
        let mut sent = 0u64;
        let counted = futures_util::StreamExt::map(body, move |chunk| {
            if let (Ok(chunk), Some(progress)) = (&chunk, &progress) {
                sent += chunk.len() as u64;
                progress(sent, length);
            }
            chunk
        });
        let part = Part::stream_with_length(reqwest::Body::wrap_stream(counted), length)
            .file_name(file_name.to_owned());
        let mut form = Form::new().part("file", part);
        if let Some(caption) = caption {
            form = form.text("caption", caption.to_owned());
        }
        let response = self
            .authorized_once(|c, token| {
                c.api(Method::POST, "/photos")
                    .bearer_auth(token)
                    .multipart(form)
            })
            .await?;
        parse(response).await
    }

    /// Reads the file at `path` and uploads it under its file name.
    pub async fn upload_photo_file(
        &self,
        path: &std::path::Path,
        caption: Option<&str>,
        progress: Option<Progress>,
    ) -> Result<PhotoView, ClientError> {
        let bytes = Bytes::from(tokio::fs::read(path).await?);
        let name = path
            .file_name()
            .map_or_else(|| "photo".into(), |n| n.to_string_lossy().into_owned());
        self.upload_photo(&name, bytes, caption, progress).await
    }

    /// One page of photos, newest first, starting after `cursor`.
    pub async fn photo_page(
        &self,
        owner: &Owner,
        limit: u32,
        cursor: Option<&str>,
    ) -> Result<PhotoPage, ClientError> {
        let mut query = vec![("limit", limit.to_string())];
        match owner {
            Owner::Everyone => {}
            Owner::Me => query.push(("owner", "me".into())),
            Owner::User(name) => query.push(("owner", name.clone())),
        }
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor.to_owned()));
        }
        let response = self
            .authorized(|c, token| {
                c.api(Method::GET, "/photos")
                    .bearer_auth(token)
                    .query(&query)
            })
            .await?;
        parse(response).await
    }

    /// Every photo of `owner`, newest first, fetched `page_size` at a time as the stream is read.
    pub fn photos(
        &self,
        owner: Owner,
        page_size: u32,
    ) -> impl Stream<Item = Result<PhotoView, ClientError>> + '_ {
        // State: photos fetched and not yet handed out, the cursor of the next page, and
        // whether there is one.
        let start = (Vec::<PhotoView>::new(), None::<String>, true);
        stream::try_unfold(start, move |(mut buffered, cursor, more)| {
            let owner = owner.clone();
            async move {
                if buffered.is_empty() && more {
                    let page = self
                        .photo_page(&owner, page_size, cursor.as_deref())
                        .await?;
                    let more = page.next_cursor.is_some();
                    buffered = page.photos;
                    buffered.reverse();
                    return Ok(buffered
                        .pop()
                        .map(|photo| (photo, (buffered, page.next_cursor, more))));
                }
                Ok(buffered
                    .pop()
                    .map(|photo| (photo, (buffered, cursor, more))))
            }
        })
    }

    pub async fn photo(&self, id: Uuid) -> Result<PhotoView, ClientError> {
        let path = format!("/photos/{id}");
        let response = self
            .authorized(|c, token| c.api(Method::GET, &path).bearer_auth(token))
            .await?;
        parse(response).await
    }

    /// The photo's bytes, as stored.
    pub async fn photo_content(&self, id: Uuid) -> Result<Bytes, ClientError> {
        let path = format!("/photos/{id}/content");
        let response = self
            .authorized(|c, token| c.api(Method::GET, &path).bearer_auth(token))
            .await?;
        if !response.status().is_success() {
            return Err(crate::client::api_error(response).await);
        }
        Ok(response.bytes().await?)
    }

    pub async fn like(&self, id: Uuid) -> Result<(), ClientError> {
        self.no_content(Method::PUT, &format!("/photos/{id}/like"))
            .await
    }

    pub async fn unlike(&self, id: Uuid) -> Result<(), ClientError> {
        self.no_content(Method::DELETE, &format!("/photos/{id}/like"))
            .await
    }

    pub async fn delete_photo(&self, id: Uuid) -> Result<(), ClientError> {
        self.no_content(Method::DELETE, &format!("/photos/{id}"))
            .await
    }

    async fn no_content(&self, method: Method, path: &str) -> Result<(), ClientError> {
        let response = self
            .authorized(|c, token| c.api(method.clone(), path).bearer_auth(token))
            .await?;
        expect_no_content(response).await
    }
}

/// The file part of an upload: `bytes` streamed in chunks, each reported to `progress`.
fn file_part(name: &str, bytes: &Bytes, progress: &Option<Progress>) -> Part {
    let total = bytes.len() as u64;
    let chunks: Vec<Bytes> = (0..bytes.len())
        .step_by(CHUNK)
        .map(|at| bytes.slice(at..(at + CHUNK).min(bytes.len())))
        .collect();
    let progress = progress.clone();
    let mut sent = 0u64;
    let body = stream::iter(chunks.into_iter().map(move |chunk| {
        sent += chunk.len() as u64;
        if let Some(progress) = &progress {
            progress(sent, total);
        }
        Ok::<_, std::io::Error>(chunk)
    }));
    Part::stream_with_length(reqwest::Body::wrap_stream(body), total).file_name(name.to_owned())
}
