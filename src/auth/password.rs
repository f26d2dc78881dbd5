//! Password hashing (argon2id) and the password policy.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::seq::SliceRandom;
use std::sync::LazyLock;

use crate::error::AppError;

pub const MIN_LENGTH: usize = 10;
const MAX_LENGTH: usize = 128;

static COMMON: &str = include_str!("common_passwords.txt");

/// Checks the policy; the error is a translation key.
pub fn check_policy(password: &str) -> Result<(), &'static str> {
    let len = password.chars().count();
    if len < MIN_LENGTH {
        return Err("validation.password_too_short");
    }
    if len > MAX_LENGTH {
        return Err("validation.too_long");
    }
    let lower = password.to_lowercase();
    if COMMON.lines().any(|common| common.trim() == lower) {
        return Err("validation.password_common");
    }
    Ok(())
}

/// Hashes on the blocking pool: argon2 is deliberately slow.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(AppError::Internal)
}

/// Verifies on the blocking pool. A malformed stored hash simply fails.
pub async fn verify(password: String, stored: String) -> Result<bool, AppError> {
    let ok = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .map_err(anyhow::Error::from)?;
    Ok(ok)
}

/// Verifies against the hash of a random password, so that "no such account" takes as long as
/// "wrong password" and timing tells an attacker nothing.
pub async fn verify_dummy(password: String) -> Result<(), AppError> {
    static DUMMY: LazyLock<String> = LazyLock::new(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(generate().as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    });
    tokio::task::spawn_blocking(move || {
        let stored = PasswordHash::new(&DUMMY).ok();
        stored.map(|p| {
            Argon2::default()
                .verify_password(password.as_bytes(), &p)
                .is_ok()
        })
    })
    .await
    .map_err(anyhow::Error::from)?;
    Ok(())
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
        assert_eq!(
            check_policy("Password123"),
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
        verify_dummy("x".into()).await.unwrap();
    }
}
