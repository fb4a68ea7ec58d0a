extern crate lesson1 as subject;
#[path = "../../../tests/lesson1/main.rs"]
mod suite;
