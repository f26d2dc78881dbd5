//! `#[derive(LiteRow)]`: decodes a struct from a row of Setia's SQLite executor
//! (`setia::db::lite`), by column name, beside `#[derive(sqlx::FromRow)]` for PostgreSQL.
//!
//! It reads the same field attributes as sqlx's derive, so a struct states them once:
//! `#[sqlx(rename = "column")]` and `#[sqlx(skip)]` (the field takes its `Default`).

use proc_macro::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{parse_macro_input, Data, DeriveInput, Fields, LitStr};

#[proc_macro_derive(LiteRow, attributes(sqlx))]
pub fn derive_lite_row(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let name = &input.ident;
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(input, "LiteRow: only structs"));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(input, "LiteRow: only named fields"));
    };
    if let Some(attr) = input.attrs.iter().find(|a| a.path().is_ident("sqlx")) {
        return Err(syn::Error::new_spanned(
            attr,
            "LiteRow: no struct-level sqlx attributes (name each column on its field)",
        ));
    }
    let mut inits = Vec::new();
    let mut decoded = 0usize;
    for field in &fields.named {
        let ident = field.ident.as_ref().expect("named field");
        let mut column = ident.unraw().to_string();
        let mut skip = false;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("sqlx")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    column = meta.value()?.parse::<LitStr>()?.value();
                } else if meta.path.is_ident("skip") {
                    skip = true;
                } else {
                    return Err(meta.error("LiteRow understands only rename and skip"));
                }
                Ok(())
            })?;
        }
        inits.push(if skip {
            quote! { #ident: ::std::default::Default::default() }
        } else {
            // The field's place among the decoded ones: where its column usually is.
            let at = decoded;
            decoded += 1;
            quote! { #ident: row.get_near(#column, #at)? }
        });
    }
    let (imp, ty, wh) = input.generics.split_for_impl();
    Ok(quote! {
        impl #imp ::setia::db::lite::FromRow for #name #ty #wh {
            fn from_row(row: &::setia::db::lite::Row<'_, '_>) -> ::setia::db::DbResult<Self> {
                ::std::result::Result::Ok(Self { #(#inits),* })
            }
        }
    })
}
