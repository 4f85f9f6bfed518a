fn main() {
    std::process::exit(schemactl::cli::main());
}
