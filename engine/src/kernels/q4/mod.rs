//! Q4_1 (and Q4_0, repacked as Q4_1) weights: layout and scalar reference ([`block`]), CPU
//! fused path ([`cpu`]), CubeCL kernel ([`kernel`]) and its launch glue ([`launch`]).
//! The public op is [`crate::kernels::QMatrix::matmul`].

pub mod block;
pub mod cpu;
pub mod kernel;
pub mod launch;
