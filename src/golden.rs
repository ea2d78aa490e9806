//! micrograd's demo workload (the `micrograd_demo.json` file): the 100 moons points, their
//! labels and the 304 initial weights micrograd draws under its seed, with the losses it logs.
//! Loaded into an [`Mlp`] and trained with [`TrainConfig::default`], our losses equal
//! micrograd's.

use crate::data::Point;
use crate::nn::{Activation, Mlp, ShapeError};
use crate::train::{TrainConfig, Trainer};
use serde::Deserialize;

/// The file's contents.
#[derive(Clone, Debug, Deserialize)]
pub struct Golden {
    pub x: Vec<[f64; 2]>,
    pub y: Vec<f64>,
    pub init_weights: Vec<f64>,
    #[serde(default)]
    pub expected: Vec<Expected>,
}

/// A loss and accuracy micrograd logged.
#[derive(Clone, Copy, Debug, Deserialize)]
pub struct Expected {
    pub step: u64,
    pub loss: f64,
    pub accuracy: f64,
}

/// The file as shipped in this repository (a copy of the shared golden workload).
pub const DEMO_JSON: &str = include_str!("../tests/golden/micrograd_demo.json");

impl Golden {
    pub fn parse(json: &str) -> Result<Golden, String> {
        let g: Golden = serde_json::from_str(json).map_err(|e| format!("golden file: {e}"))?;
        if g.x.len() != g.y.len() {
            return Err(format!(
                "golden file: {} points but {} labels",
                g.x.len(),
                g.y.len()
            ));
        }
        Ok(g)
    }

    /// The bundled demo workload.
    pub fn demo() -> Golden {
        Golden::parse(DEMO_JSON).expect("the bundled golden file parses")
    }

    pub fn points(&self) -> Vec<Point> {
        self.x
            .iter()
            .zip(&self.y)
            .map(|(p, &l)| Point::new(p[0], p[1], l))
            .collect()
    }

    /// micrograd's `MLP(2, [16, 16, 1])` with these initial weights: ReLU hidden, linear out.
    pub fn model(&self) -> Result<Mlp, ShapeError> {
        Mlp::from_weights(2, &[16, 16], 1, Activation::Relu, &self.init_weights)
    }

    /// A trainer set up exactly as micrograd's demo trains.
    pub fn trainer(&self) -> Result<Trainer, ShapeError> {
        Ok(Trainer::new(self.model()?, TrainConfig::default(), 0))
    }
}
