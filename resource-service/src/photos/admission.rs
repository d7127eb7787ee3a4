//! How many uploads are under way at once (docs/PHOTOS.md, Limits): at most `UPLOADS_IN_FLIGHT`
//! on this instance and `UPLOADS_IN_FLIGHT_PER_USER` for one account. Asked before a byte of the
//! body is read, and answered at once: an upload past either bound is refused, never queued, so
//! N parallel requests count as N and a flood costs the service nothing but the refusals.

use super::PhotoError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct UploadAdmission {
    instance: Arc<Semaphore>,
    instance_limit: usize,
    per_user: usize,
    users: Arc<Mutex<HashMap<Uuid, usize>>>,
}

/// One upload's place, given back when dropped (the request ended, whichever way).
#[derive(Debug)]
pub struct UploadTicket {
    _instance: OwnedSemaphorePermit,
    user: Uuid,
    users: Arc<Mutex<HashMap<Uuid, usize>>>,
}

impl UploadAdmission {
    pub fn new(instance_limit: usize, per_user: usize) -> UploadAdmission {
        UploadAdmission {
            instance: Arc::new(Semaphore::new(instance_limit)),
            instance_limit,
            per_user,
            users: Arc::default(),
        }
    }

    /// A place for one more upload of `user`, or the bound it would break.
    pub fn admit(&self, user: Uuid) -> Result<UploadTicket, PhotoError> {
        {
            let mut users = self.users.lock().unwrap_or_else(PoisonError::into_inner);
            let count = users.entry(user).or_insert(0);
            if *count >= self.per_user {
                return Err(PhotoError::UserBusy {
                    limit: self.per_user,
                });
            }
            *count += 1;
        }
        // From here the user's count is given back by the ticket's drop, or right below.
        match Arc::clone(&self.instance).try_acquire_owned() {
            Ok(permit) => Ok(UploadTicket {
                _instance: permit,
                user,
                users: Arc::clone(&self.users),
            }),
            Err(_) => {
                release(&self.users, user);
                Err(PhotoError::InstanceBusy {
                    limit: self.instance_limit,
                })
            }
        }
    }
}

fn release(users: &Mutex<HashMap<Uuid, usize>>, user: Uuid) {
    let mut users = users.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(count) = users.get_mut(&user) {
        *count -= 1;
        if *count == 0 {
            users.remove(&user);
        }
    }
}

impl Drop for UploadTicket {
    fn drop(&mut self) {
        release(&self.users, self.user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bound_refuses_the_upload_past_it_and_a_finished_upload_frees_its_place() {
        let admission = UploadAdmission::new(3, 2);
        let (ann, bob) = (Uuid::new_v4(), Uuid::new_v4());
        let first = admission.admit(ann).unwrap();
        let _second = admission.admit(ann).unwrap();
        assert!(matches!(
            admission.admit(ann),
            Err(PhotoError::UserBusy { limit: 2 })
        ));
        let _third = admission.admit(bob).unwrap();
        assert!(matches!(
            admission.admit(bob),
            Err(PhotoError::InstanceBusy { limit: 3 })
        ));
        drop(first);
        let _fourth = admission.admit(bob).unwrap();
        assert!(matches!(
            admission.admit(ann),
            Err(PhotoError::InstanceBusy { .. })
        ));
        assert_eq!(
            admission.users.lock().unwrap()[&ann],
            1,
            "refused: not counted"
        );
    }

    #[test]
    fn an_account_with_nothing_under_way_leaves_no_entry() {
        let admission = UploadAdmission::new(4, 4);
        drop(admission.admit(Uuid::new_v4()).unwrap());
        assert!(admission.users.lock().unwrap().is_empty());
    }
}
