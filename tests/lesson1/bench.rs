pub fn benches() {}
