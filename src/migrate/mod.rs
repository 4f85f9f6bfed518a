//! Migration directories: formats, file directives, the sum file, writing files atomically.
