//! What reads a request, as auth-service's `src/http/`: each extractor turns a part of the
//! request into what a handler hands the work layer, or refuses it. The caller from the verified
//! access token (`caller.rs`, the one place the token's claims become a `domain::Caller`), the
//! photo id of the path, the listing's query string, the `PATCH /profile` body, the conditional
//! headers of a photo's bytes, and the upload's body: counted, cut when it stalls, read as a
//! multipart form and spooled to disk. `GET /whoami` alone reads the token itself
//! (`shared_tokens::Authenticated`): it answers with the token and nothing of the work layer.

pub mod caller;
pub mod capped_payload;
pub mod conditions;
pub mod list_query;
pub mod photo_id;
pub mod profile_patch;
pub mod upload_body;
pub mod upload_form;

pub use caller::{RecentlySignedIn, SignedIn};
pub use conditions::Conditions;
pub use list_query::{ListParams, ListQuery};
pub use photo_id::PhotoId;
pub use profile_patch::{ProfilePatch, ProfilePatchBody};
pub use upload_form::UploadForm;
