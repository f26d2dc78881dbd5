//! The contact part of a sign-up as typed and as checked; shared by the public form and by staff
//! registering a walk-in or phone customer.

use serde::Deserialize;

use crate::catalog::store::{self as catalog, AreaRow, PackageRow};
use crate::db::Db;
use crate::error::AppResult;
use crate::types::{Email, PhoneNumber};
use crate::web::{self, FieldErrors};

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SignupForm {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub area_id: String,
    pub package_id: String,
    pub referral_code: String,
    pub password: String,
    pub consent: String,
}

/// The contact part of a sign-up, checked. Shared with staff-created customers.
pub struct Contact {
    pub name: String,
    pub phone: PhoneNumber,
    pub email: Option<Email>,
    pub address: String,
    pub area: AreaRow,
    pub package: PackageRow,
}

/// Validates name, phone, email, address, area and package; the area must be published and the
/// package published (sign-ups for retired packages are not possible).
pub async fn validate_contact(
    db: &Db,
    f: &SignupForm,
    errors: &mut FieldErrors,
) -> AppResult<Option<Contact>> {
    let name = errors.check("name", web::required(&f.name, 100));
    let phone = errors.check("phone", PhoneNumber::parse(&f.phone));
    let email = if f.email.trim().is_empty() {
        Some(None)
    } else {
        errors.check("email", Email::parse(&f.email).map(Some))
    };
    let address = errors.check("address", web::required(&f.address, 300));
    let area = match f.area_id.trim().parse::<i64>() {
        Ok(id) => catalog::get_area(db, id).await?.filter(|a| a.published),
        Err(_) => None,
    };
    if area.is_none() {
        errors.add("area_id", "validation.area_required");
    }
    let package = match f.package_id.trim().parse::<i64>() {
        Ok(id) => catalog::get_package(db, id).await?.filter(|p| p.published),
        Err(_) => None,
    };
    if package.is_none() {
        errors.add("package_id", "validation.package_required");
    }
    Ok(match (name, phone, email, address, area, package) {
        (Some(name), Some(phone), Some(email), Some(address), Some(area), Some(package)) => {
            Some(Contact {
                name,
                phone,
                email,
                address,
                area,
                package,
            })
        }
        _ => None,
    })
}
