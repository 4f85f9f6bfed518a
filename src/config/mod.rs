//! The project file `schemactl.hcl`: environments, external schemas, variables, locals.
