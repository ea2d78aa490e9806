//! Two-dimensional data sets, each deterministic for a seed on every platform: scikit-learn's
//! `make_moons` (micrograd's demo), TensorFlow Playground's circle, xor, two gaussians, spiral
//! and its two regression sets (plane, multi gaussian), the circle-in-a-square of "micrograd
//! without looking", and blobs and spirals of up to six classes.
//!
//! Labels: two classes are -1 and +1, as micrograd's hinge loss wants them (class 0 is -1,
//! class 1 is +1: [`class_label`]); three or more are the class index 0, 1, ...; a regression
//! set's label is its target value.

use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// One labelled point; `test` points are held out of training and only evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    /// -1 or +1 (two classes), the class index (more), or the target (regression).
    pub label: f64,
    #[serde(default)]
    pub test: bool,
}

impl Point {
    pub fn new(x: f64, y: f64, label: f64) -> Point {
        Point {
            x,
            y,
            label,
            test: false,
        }
    }
}

/// The extent of the data plane that a view (and the boundary grid) covers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub xmin: f64,
    pub xmax: f64,
    pub ymin: f64,
    pub ymax: f64,
}

impl View {
    fn square(cx: f64, cy: f64, half: f64) -> View {
        View {
            xmin: cx - half,
            xmax: cx + half,
            ymin: cy - half,
            ymax: cy + half,
        }
    }

    pub fn contains(&self, x: f64, y: f64) -> bool {
        (self.xmin..=self.xmax).contains(&x) && (self.ymin..=self.ymax).contains(&y)
    }
}

/// The data sets a user can pick.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dataset {
    Moons,
    Circles,
    Xor,
    Spiral,
    Gaussians,
    CircleSquare,
    /// Gaussian blobs, one per class, around a circle.
    Blobs,
    /// Regression: a linear function of x1 and x2.
    Plane,
    /// Regression: signed gaussian bumps.
    Multigauss,
    /// Points the user placed by hand (or imported).
    Custom,
}

/// What a data set asks of the network: a class per point, or a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    Classification,
    Regression,
}

/// The most classes a classification set may have.
pub const MAX_CLASSES: usize = 6;

/// The label of class `k` of `classes`: -1 and +1 for two classes (class 1 is +1), else `k`.
pub fn class_label(k: usize, classes: usize) -> f64 {
    if classes == 2 {
        if k == 1 {
            1.0
        } else {
            -1.0
        }
    } else {
        k as f64
    }
}

/// The class of label `y` of a set of `classes` (see [`class_label`]).
pub fn class_of(y: f64, classes: usize) -> usize {
    if classes == 2 {
        (y > 0.0) as usize
    } else {
        y as usize
    }
}

impl Dataset {
    pub const ALL: [Dataset; 10] = [
        Dataset::Moons,
        Dataset::Circles,
        Dataset::Xor,
        Dataset::Spiral,
        Dataset::Gaussians,
        Dataset::CircleSquare,
        Dataset::Blobs,
        Dataset::Plane,
        Dataset::Multigauss,
        Dataset::Custom,
    ];

    /// The problem the set poses; `None` for custom points, which can be either.
    pub fn problem(self) -> Option<Problem> {
        match self {
            Dataset::Plane | Dataset::Multigauss => Some(Problem::Regression),
            Dataset::Custom => None,
            _ => Some(Problem::Classification),
        }
    }

    /// Whether the set can have more than two classes.
    pub fn multiclass(self) -> bool {
        matches!(self, Dataset::Blobs | Dataset::Spiral | Dataset::Custom)
    }

    /// The view that frames this data set (TensorFlow Playground's sets live on [-6, 6]^2).
    pub fn view(self) -> View {
        match self {
            Dataset::Moons => View::square(0.5, 0.25, 2.0),
            Dataset::CircleSquare => View::square(0.0, 0.0, 1.5),
            _ => View::square(0.0, 0.0, 6.0),
        }
    }

    /// `n` points with the given noise, the same for the same seed everywhere, in two classes
    /// (or as a regression set). `Custom` has none.
    pub fn generate(self, n: usize, noise: f64, seed: u64) -> Vec<Point> {
        self.generate_classes(n, noise, seed, 2)
    }

    /// [`Dataset::generate`] with `classes` classes (2 to [`MAX_CLASSES`]) for the sets that
    /// can have more ([`Dataset::multiclass`]); the others ignore it.
    pub fn generate_classes(self, n: usize, noise: f64, seed: u64, classes: usize) -> Vec<Point> {
        let mut rng = Rng::new(seed);
        let k = classes.clamp(2, MAX_CLASSES);
        match self {
            Dataset::Moons => moons(n, noise, &mut rng),
            Dataset::Circles => circles(n, noise, &mut rng),
            Dataset::Xor => xor(n, noise, &mut rng),
            Dataset::Spiral => spiral(n, noise, k, &mut rng),
            Dataset::Gaussians => gaussians(n, noise, &mut rng),
            Dataset::CircleSquare => circle_square(n, noise, &mut rng),
            Dataset::Blobs => blobs(n, noise, k, &mut rng),
            Dataset::Plane => plane(n, noise, &mut rng),
            Dataset::Multigauss => multigauss(n, noise, &mut rng),
            Dataset::Custom => Vec::new(),
        }
    }
}

/// `numpy.linspace(0, pi, n)[i]`.
fn linspace_pi(i: usize, n: usize) -> f64 {
    if n <= 1 {
        0.0
    } else {
        PI * i as f64 / (n - 1) as f64
    }
}

/// scikit-learn's `make_moons(n, noise=noise, shuffle=True)`, labels 0/1 mapped to -1/+1:
/// an outer half circle (label -1) and an inner one shifted by (1, -0.5) (label +1), shuffled,
/// then Gaussian noise of standard deviation `noise` added to both coordinates.
fn moons(n: usize, noise: f64, rng: &mut Rng) -> Vec<Point> {
    let n_out = n / 2;
    let n_in = n - n_out;
    let mut pts: Vec<Point> = (0..n_out)
        .map(|i| {
            let t = linspace_pi(i, n_out);
            Point::new(libm::cos(t), libm::sin(t), -1.0)
        })
        .chain((0..n_in).map(|i| {
            let t = linspace_pi(i, n_in);
            Point::new(1.0 - libm::cos(t), 1.0 - libm::sin(t) - 0.5, 1.0)
        }))
        .collect();
    rng.shuffle(&mut pts);
    for p in &mut pts {
        p.x += noise * rng.normal();
        p.y += noise * rng.normal();
    }
    pts
}

/// TensorFlow Playground's "circle": half the points at radius U(0, 2.5), half at U(3.5, 5);
/// each labelled by whether its noisy position lies inside radius 2.5 (+1) or not (-1).
fn circles(n: usize, noise: f64, rng: &mut Rng) -> Vec<Point> {
    let radius = 5.0;
    let mut pts = Vec::with_capacity(n);
    for i in 0..n {
        let (lo, hi) = if i < n / 2 {
            (0.0, radius * 0.5)
        } else {
            (radius * 0.7, radius)
        };
        let r = rng.range(lo, hi);
        let angle = rng.range(0.0, 2.0 * PI);
        let (x, y) = (r * libm::sin(angle), r * libm::cos(angle));
        let nx = rng.range(-radius, radius) * noise;
        let ny = rng.range(-radius, radius) * noise;
        let inside = libm::sqrt((x + nx) * (x + nx) + (y + ny) * (y + ny)) < radius * 0.5;
        pts.push(Point::new(x, y, if inside { 1.0 } else { -1.0 }));
    }
    pts
}

/// TensorFlow Playground's "xor": uniform on [-5, 5]^2, pushed 0.3 away from the axes,
/// labelled by the sign of x*y at the noisy position.
fn xor(n: usize, noise: f64, rng: &mut Rng) -> Vec<Point> {
    let padding = 0.3;
    (0..n)
        .map(|_| {
            let mut x = rng.range(-5.0, 5.0);
            x += if x > 0.0 { padding } else { -padding };
            let mut y = rng.range(-5.0, 5.0);
            y += if y > 0.0 { padding } else { -padding };
            let nx = rng.range(-5.0, 5.0) * noise;
            let ny = rng.range(-5.0, 5.0) * noise;
            let label = if (x + nx) * (y + ny) >= 0.0 {
                1.0
            } else {
                -1.0
            };
            Point::new(x, y, label)
        })
        .collect()
}

/// TensorFlow Playground's "spiral": two arms, r = 5i/m, t = 1.75 * 2pi * i/m (+ pi for the
/// second arm), each coordinate jittered by U(-1, 1) * noise. With `k` classes, `k` arms a
/// `2pi / k` turn apart (two arms are TensorFlow Playground's, the first one +1).
fn spiral(n: usize, noise: f64, k: usize, rng: &mut Rng) -> Vec<Point> {
    let mut pts = Vec::with_capacity(n);
    for arm in 0..k {
        let delta = 2.0 * PI * arm as f64 / k as f64;
        let label = class_label(if k == 2 { 1 - arm } else { arm }, k);
        let count = n * (arm + 1) / k - n * arm / k;
        for i in 0..count {
            let f = i as f64 / count.max(1) as f64;
            let r = 5.0 * f;
            let t = 1.75 * f * 2.0 * PI + delta;
            let x = r * libm::sin(t) + rng.range(-1.0, 1.0) * noise;
            let y = r * libm::cos(t) + rng.range(-1.0, 1.0) * noise;
            pts.push(Point::new(x, y, label));
        }
    }
    pts
}

/// TensorFlow Playground's "gaussian": blobs at (2, 2) (+1) and (-2, -2) (-1) whose variance
/// grows with noise from 0.5 (noise 0) to 4 (noise 0.5).
fn gaussians(n: usize, noise: f64, rng: &mut Rng) -> Vec<Point> {
    let variance = 0.5 + 7.0 * noise.clamp(0.0, 0.5);
    let sd = libm::sqrt(variance);
    let m = n / 2;
    (0..n)
        .map(|i| {
            let (c, label) = if i < m { (2.0, 1.0) } else { (-2.0, -1.0) };
            Point::new(c + sd * rng.normal(), c + sd * rng.normal(), label)
        })
        .collect()
}

/// `k` gaussian blobs (class `j` around angle `2pi j / k + pi / 4` on a circle of radius
/// 3.5; for two classes near the gaussians' (2.5, 2.5) and (-2.5, -2.5)), with the
/// gaussians' variance: 0.5 at noise 0 up to 4 at noise 0.5.
fn blobs(n: usize, noise: f64, k: usize, rng: &mut Rng) -> Vec<Point> {
    let sd = libm::sqrt(0.5 + 7.0 * noise.clamp(0.0, 0.5));
    (0..n)
        .map(|i| {
            let class = i * k / n.max(1);
            let angle = 2.0 * PI * class as f64 / k as f64 + PI / 4.0;
            let (cx, cy) = (3.5 * libm::cos(angle), 3.5 * libm::sin(angle));
            let label = class_label(class, k);
            Point::new(cx + sd * rng.normal(), cy + sd * rng.normal(), label)
        })
        .collect()
}

/// TensorFlow Playground's regression "plane": uniform on [-6, 6]^2, target (x1 + x2) / 10 at
/// the position jittered by U(-6, 6) * noise in each coordinate.
fn plane(n: usize, noise: f64, rng: &mut Rng) -> Vec<Point> {
    regression_set(n, noise, rng, plane_target)
}

/// The plane's target without noise.
pub fn plane_target(x: f64, y: f64) -> f64 {
    (x + y) / 10.0
}

/// Regression "multi gaussian": uniform on [-6, 6]^2, the target a sum of six signed gaussian
/// bumps (TensorFlow Playground's six centres, alternating signs, width 1.2), at the position
/// jittered as the plane's.
fn multigauss(n: usize, noise: f64, rng: &mut Rng) -> Vec<Point> {
    regression_set(n, noise, rng, multigauss_target)
}

/// TensorFlow Playground's regression sets: points uniform on [-6, 6]^2, each labelled with
/// `target` at its position jittered by U(-6, 6) * noise in each coordinate.
fn regression_set(n: usize, noise: f64, rng: &mut Rng, target: fn(f64, f64) -> f64) -> Vec<Point> {
    (0..n)
        .map(|_| {
            let (x, y) = (rng.range(-6.0, 6.0), rng.range(-6.0, 6.0));
            let (nx, ny) = (rng.range(-6.0, 6.0) * noise, rng.range(-6.0, 6.0) * noise);
            Point::new(x, y, target(x + nx, y + ny))
        })
        .collect()
}

/// The multi gaussian's target without noise.
pub fn multigauss_target(x: f64, y: f64) -> f64 {
    const BUMPS: [(f64, f64, f64); 6] = [
        (-4.0, 2.5, 1.0),
        (0.0, 2.5, -1.0),
        (4.0, 2.5, 1.0),
        (-4.0, -2.5, -1.0),
        (0.0, -2.5, 1.0),
        (4.0, -2.5, -1.0),
    ];
    BUMPS
        .iter()
        .map(|&(cx, cy, sign)| {
            let d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
            sign * libm::exp(-d2 / (2.0 * 1.2 * 1.2))
        })
        .sum()
}

/// "micrograd without looking": uniform in a square of side sqrt(2 pi) centred on 0, +1 inside
/// the unit circle (half the square's area), -1 outside. Noise jitters the position used for
/// the label by N(0, noise), so points near the circle can land on the wrong side.
fn circle_square(n: usize, noise: f64, rng: &mut Rng) -> Vec<Point> {
    let half = libm::sqrt(2.0 * PI) / 2.0;
    (0..n)
        .map(|_| {
            let x = rng.range(-half, half);
            let y = rng.range(-half, half);
            let (jx, jy) = (noise * rng.normal(), noise * rng.normal());
            let inside = (x + jx) * (x + jx) + (y + jy) * (y + jy) < 1.0;
            Point::new(x, y, if inside { 1.0 } else { -1.0 })
        })
        .collect()
}

/// The split of hand-placed points: every `1 / test_fraction`-th point (by position) is a test
/// point. Unlike [`split`] it keeps each point's role when points are added after it, so a
/// click never turns a test point into a training point, and a link or a reload gives the
/// same split.
pub fn split_every(points: &mut [Point], test_fraction: f64) {
    let f = test_fraction.clamp(0.0, 1.0);
    for (i, p) in points.iter_mut().enumerate() {
        p.test = ((i + 1) as f64 * f).floor() > (i as f64 * f).floor();
    }
}

/// Marks `round(n * fraction)` points, chosen by the seed, as test points (at least one point
/// stays in training). Generators list points class by class, so the choice must be random.
pub fn split(points: &mut [Point], test_fraction: f64, seed: u64) {
    let n = points.len();
    let n_test =
        ((n as f64 * test_fraction.clamp(0.0, 1.0)).round() as usize).min(n.saturating_sub(1));
    let mut order: Vec<usize> = (0..n).collect();
    // A different stream from the generator's, so the split does not mirror the noise.
    Rng::new(seed ^ 0x05EE_D5E7).shuffle(&mut order);
    for p in points.iter_mut() {
        p.test = false;
    }
    for &i in &order[..n_test] {
        points[i].test = true;
    }
}
