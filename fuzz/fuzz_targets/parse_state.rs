//! Fuzzes the parsers of untrusted input: a saved playground (model import) and the settings
//! from a URL. Neither may panic; what loads must train without producing a NaN on screen.
#![no_main]

use libfuzzer_sys::fuzz_target;
use micrograd_playground::playground::Playground;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(mut pg) = Playground::from_json(text) {
        let s = pg.step(1);
        assert!(s.train_loss.is_none_or(f64::is_finite));
        assert!(pg.boundary(4).iter().all(|v| v.is_finite()));
    }
    if let Ok(cfg) = Playground::config_from_json(text) {
        let mut pg = Playground::new(cfg);
        pg.step(1);
    }
});
