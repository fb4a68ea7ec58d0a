extern crate lesson1 as subject;
#[path = "../../../tests/lesson1/bench.rs"]
mod bench;
criterion::criterion_main!(bench::benches);
