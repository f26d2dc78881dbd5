//! Password hashing (argon2id) and the password policy.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::seq::SliceRandom;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;

pub const MIN_LENGTH: usize = 10;
const MAX_LENGTH: usize = 128;

/// Checks the policy; the error is a translation key.
pub fn check_policy(password: &str) -> Result<(), &'static str> {
    check_policy_for(password, &[])
}

/// The policy, also refusing passwords built from the account's own details (`user_inputs`:
/// name, phone, email). Strength is judged by zxcvbn: its dictionaries (about 30,000 common
/// passwords, names and words, plus keyboard patterns, sequences, dates and l33t speak) come
/// with the crate; a score below 3 ("safely unguessable") is refused as too easy to guess.
pub fn check_policy_for(password: &str, user_inputs: &[&str]) -> Result<(), &'static str> {
    let len = password.chars().count();
    if len < MIN_LENGTH {
        return Err("validation.password_too_short");
    }
    if len > MAX_LENGTH {
        return Err("validation.too_long");
    }
    // Whole inputs and their words ("Sari Wulandari", "sari@isp.id" → "sari", "isp").
    let inputs: Vec<&str> = user_inputs
        .iter()
        .flat_map(|s| std::iter::once(s.trim()).chain(s.split(|c: char| !c.is_alphanumeric())))
        .filter(|s| s.chars().count() >= 3)
        .collect();
    if zxcvbn::zxcvbn(password, &inputs).score() < zxcvbn::Score::Three {
        return Err("validation.password_common");
    }
    Ok(())
}

/// The bound on concurrent argon2 work (each hash or verify holds about 19 MB): a request waits
/// up to `wait` for one of `permits` slots, then gets [`AppError::Busy`] (503, `Retry-After`).
/// Without it, 16 concurrent sign-ups took the server to about 3 GB. The slot is held by the
/// hashing itself, so a client that goes away mid-hash frees it only when the work ends.
pub struct Hashing {
    slots: Arc<Semaphore>,
    permits: usize,
    wait: Duration,
}

impl Hashing {
    /// `permits` of 0 means max(2, number of cores).
    pub fn new(permits: usize, wait: Duration) -> Hashing {
        crate::memory::return_large_allocations();
        let permits = if permits == 0 {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
                .max(2)
        } else {
            permits
        };
        Hashing {
            slots: Arc::new(Semaphore::new(permits)),
            permits,
            wait,
        }
    }

    pub fn permits(&self) -> usize {
        self.permits
    }

    /// Takes one slot (held until the permit is dropped). Also lets tests and benchmarks fill
    /// the bound.
    pub async fn slot(&self) -> Result<OwnedSemaphorePermit, AppError> {
        match tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(closed)) => Err(AppError::Internal(closed.into())),
            Err(_) => {
                tracing::warn!(permits = self.permits, "password hashing busy");
                Err(AppError::Busy(2))
            }
        }
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || hash_now(&password)).await?
    }

    pub async fn verify(&self, password: String, stored: String) -> Result<bool, AppError> {
        self.run(move || verify_now(&password, &stored)).await
    }

    /// Verifies against the hash of a random password, so that "no such account" takes as long
    /// as "wrong password" and timing tells an attacker nothing.
    pub async fn verify_dummy(&self, password: String) -> Result<(), AppError> {
        static DUMMY: LazyLock<String> =
            LazyLock::new(|| hash_now(&generate()).unwrap_or_default());
        self.run(move || verify_now(&password, &DUMMY))
            .await
            .map(|_| ())
    }

    /// Runs `work` on the blocking pool once a slot is free. The slot moves into the work and is
    /// freed when the work ends: a client that goes away mid-hash does not free it early.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let slot = self.slot().await?;
        blocking(move || {
            let done = work();
            drop(slot);
            done
        })
        .await
    }
}

/// Runs argon2 work on the blocking pool: it is deliberately slow.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing failed: {e}")))
}

/// Whether `password` matches `stored`; a malformed stored hash simply fails.
fn verify_now(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Hashes without a bound: for the command line and the demo loader (requests go through
/// [`Hashing`]).
pub async fn hash(password: String) -> Result<String, AppError> {
    blocking(move || hash_now(&password)).await?
}

/// Verifies without a bound (tests and tools; requests go through [`Hashing`]).
pub async fn verify(password: String, stored: String) -> Result<bool, AppError> {
    blocking(move || verify_now(&password, &stored)).await
}

/// A one-time password that is easy to read out and type: no 0/O or 1/l/I.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    let chars: String = (0..15)
        .map(|_| *ALPHABET.choose(&mut rng).expect("non-empty") as char)
        .collect();
    format!("{}-{}-{}", &chars[0..5], &chars[5..10], &chars[10..15])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert_eq!(check_policy("short"), Err("validation.password_too_short"));
        assert_eq!(
            check_policy("1234567890"),
            Err("validation.password_common")
        );
        for weak in [
            "Password123",
            "password123",
            "qwertyuiop",
            "iloveyou12345",
            "jakarta2024",
        ] {
            assert_eq!(
                check_policy(weak),
                Err("validation.password_common"),
                "{weak}"
            );
        }
        assert_eq!(
            check_policy_for("sari-wulandari", &["Sari Wulandari"]),
            Err("validation.password_common")
        );
        assert!(check_policy("kuda-lari-di-cimahi").is_ok());
        assert!(check_policy(&generate()).is_ok());
    }

    #[tokio::test]
    async fn hash_and_verify() {
        let h = hash("kuda-lari-di-cimahi".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("kuda-lari-di-cimahi".into(), h.clone())
            .await
            .unwrap());
        assert!(!verify("kuda-lari-di-bandung".into(), h).await.unwrap());
    }

    #[tokio::test]
    async fn work_keeps_its_slot_when_its_caller_goes_away() {
        let hashing = Arc::new(Hashing::new(1, Duration::ZERO));
        let (started_tx, started) = std::sync::mpsc::channel();
        let (finish, finish_rx) = std::sync::mpsc::channel::<()>();
        let h = hashing.clone();
        let caller = tokio::spawn(async move {
            h.run(move || {
                started_tx.send(()).unwrap();
                finish_rx.recv().unwrap();
            })
            .await
        });
        tokio::task::spawn_blocking(move || started.recv().unwrap())
            .await
            .unwrap();
        caller.abort();
        assert!(caller.await.unwrap_err().is_cancelled());
        assert!(
            matches!(hashing.slot().await, Err(AppError::Busy(_))),
            "the work goes on, so its slot is still taken"
        );
        finish.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(10), async {
            while hashing.slots.available_permits() == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .expect("the slot is free once the work ends");
        let dummy = Hashing::new(1, Duration::from_secs(30));
        dummy.verify_dummy("x".into()).await.unwrap();
    }
}
