extern crate lesson1_solution as subject;
#[path = "../../../tests/lesson1/main.rs"]
mod suite;
