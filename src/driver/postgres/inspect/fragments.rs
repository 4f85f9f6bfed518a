//! SQL snippets shared by several catalog queries, so every query renders them the same way.

/// A scalar subquery yielding a [`crate::schema::DataType`] as JSON text for a type oid and a
/// type modifier expression.
///
/// `base` is the element type's name: `format_type(elem, -1)` for built-in types (so
/// `character varying`, `character`), the raw `typname` for user types, whose schema goes in
/// `schema`. Arrays are reported with one dimension: PostgreSQL does not enforce declared
/// dimensions and `attndims` is not kept for views or `CREATE TABLE AS`.
pub fn data_type_json(type_oid: &str, typmod: &str) -> String {
    format!(
        "(SELECT json_build_object(
            'sql', format_type(ty.oid, {typmod}),
            'base', CASE WHEN en.nspname = 'pg_catalog' THEN format_type(el.oid, -1) ELSE el.typname::text END,
            'schema', CASE WHEN en.nspname = 'pg_catalog' THEN NULL ELSE en.nspname::text END,
            'array_dims', CASE WHEN ty.typcategory = 'A' AND ty.typelem <> 0 THEN 1 ELSE 0 END,
            'category', ty.typcategory::text)::text
          FROM pg_catalog.pg_type ty
          JOIN pg_catalog.pg_type el
            ON el.oid = CASE WHEN ty.typcategory = 'A' AND ty.typelem <> 0 THEN ty.typelem ELSE ty.oid END
          JOIN pg_catalog.pg_namespace en ON en.oid = el.typnamespace
          WHERE ty.oid = {type_oid})"
    )
}

/// A scalar subquery naming a collation the way `COLLATE` accepts it: built-in collations
/// unqualified (`"C"`, `"en_US"`), others schema-qualified (`public.nocase`). NULL for oid 0.
pub fn collation_name(collation_oid: &str) -> String {
    format!(
        "(SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                      ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
          FROM pg_catalog.pg_collation co
          JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
          WHERE co.oid = {collation_oid})"
    )
}

/// A condition that holds when the object is not a member of an extension.
pub fn not_extension_member(catalog: &str, object_oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend ext
                     WHERE ext.classid = 'pg_catalog.{catalog}'::pg_catalog.regclass
                       AND ext.objid = {object_oid} AND ext.deptype = 'e')"
    )
}
