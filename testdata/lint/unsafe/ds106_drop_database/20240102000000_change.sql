-- atlas:txmode none

-- expect: DS106
DROP DATABASE IF EXISTS schemactl_lint_never_created;
