//! Fuzzes the parsers of untrusted input: a saved playground (model import) and the settings
//! from a URL (as JSON and as the link's hash). None may panic; what loads must train without
//! producing a NaN on screen, and stays within the settings' limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use micrograd_playground::playground::Playground;
use micrograd_playground::settings;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(mut pg) = Playground::from_json(text) {
        let s = pg.step(1);
        // A loss is shown (never negative), or its absence is explained; the accuracy is
        // there exactly when there are training points.
        match s.train_loss {
            Some(l) => assert!(l >= 0.0, "negative loss {l}"),
            None => assert!(s.n_train == 0 || s.diverged, "no loss and no reason: {s:?}"),
        }
        assert_eq!(s.train_accuracy.is_some(), s.n_train > 0, "{s:?}");
        assert!(pg.boundary(4).iter().all(|v| v.is_finite()));
    }
    if let Ok(cfg) = Playground::config_from_json(text) {
        let mut pg = Playground::new(cfg);
        pg.step(1);
        // What the playground keeps is within the settings' limits: sanitising again changes
        // nothing.
        let mut again = pg.config().clone();
        let mut notes = Vec::new();
        again.sanitize(&mut notes);
        assert!(notes.is_empty() && &again == pg.config(), "{notes:?}");
    }
    // The URL hash parser is lenient: any text gives a config within the limits.
    let parsed = settings::parse_hash(text);
    let mut again = parsed.config.clone();
    let mut notes = Vec::new();
    again.sanitize(&mut notes);
    assert!(notes.is_empty() && again == parsed.config, "{notes:?}");
});
