-- Bilingual content: an optional English text beside each Indonesian one that readers see
-- (English readers get it when it is not empty, Indonesian otherwise).
ALTER TABLE packages ADD COLUMN features_en TEXT NOT NULL DEFAULT '';
ALTER TABLE promos ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE promos ADD COLUMN body_en TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN summary_en TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN body_md_en TEXT NOT NULL DEFAULT '';
ALTER TABLE company_settings ADD COLUMN tagline_en TEXT NOT NULL DEFAULT '';
ALTER TABLE company_settings ADD COLUMN about_en TEXT NOT NULL DEFAULT '';
ALTER TABLE company_settings ADD COLUMN vision_en TEXT NOT NULL DEFAULT '';
ALTER TABLE company_settings ADD COLUMN mission_en TEXT NOT NULL DEFAULT '';
ALTER TABLE company_settings ADD COLUMN opening_hours_en TEXT NOT NULL DEFAULT '';

-- A promo may lower the monthly price of each of its packages (empty: the promo gives something
-- else, such as free installation); the site shows it against the struck-through normal price.
ALTER TABLE promo_packages ADD COLUMN promo_price INTEGER;
