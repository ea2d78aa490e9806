//! The stuck-network notices: each appears where a network cannot learn, and none on the page's
//! default run.

use micrograd_playground::data::{Dataset, Point};
use micrograd_playground::diagnose::{dead_units, Finding, Watch, CHECK_EVERY};
use micrograd_playground::nn::{Activation, Mlp};
use micrograd_playground::optim::OptimizerKind;
use micrograd_playground::train::{TrainConfig, Trainer};

/// Trains `steps` steps, checking as the playground does; every finding, in order.
fn run(mut trainer: Trainer, train: &[Point], steps: u64) -> Vec<Finding> {
    let mut watch = Watch::new();
    let mut found = Vec::new();
    for k in 1..=steps {
        let s = trainer.step(train);
        if s.diverged {
            break;
        }
        if k == 1 {
            watch.start(s.loss);
        }
        if k % CHECK_EVERY == 0 {
            let (loss, _) = trainer.evaluate(train);
            found.extend(watch.check(&mut trainer, train, loss));
        }
    }
    found
}

fn page_config(learning_rate: f64, optimizer: OptimizerKind) -> TrainConfig {
    TrainConfig {
        learning_rate,
        optimizer,
        lr_decay: false,
        ..TrainConfig::default()
    }
}

/// The page's default network (2-16-16-1) with `activation`, trained with `config`.
fn page_trainer(activation: Activation, config: TrainConfig, seed: u64) -> Trainer {
    Trainer::new(Mlp::new(2, &[16, 16], 1, activation, seed), config, seed)
}

fn moons() -> Vec<Point> {
    Dataset::Moons.generate(100, 0.1, 1337)
}

#[test]
fn the_default_run_raises_no_alarm() {
    let trainer = page_trainer(Activation::Relu, page_config(0.1, OptimizerKind::Sgd), 1337);
    assert_eq!(run(trainer, &moons(), 3000), vec![]);
    // Nor the default network on the other two-class sets, seeds of its own.
    for dataset in [Dataset::Circles, Dataset::Xor, Dataset::Gaussians] {
        for seed in [1, 2, 3] {
            let config = page_config(0.1, OptimizerKind::Sgd);
            let trainer = page_trainer(Activation::Relu, config, seed);
            let found = run(trainer, &dataset.generate(100, 0.1, seed), 2000);
            assert_eq!(found, vec![], "{dataset:?} seed {seed}");
        }
    }
}

/// SGD at learning rate 10 takes the loss from about 1 to 10^10 within ten steps: the notice
/// compares with the first step's loss, not the first check's.
#[test]
fn a_loss_that_blew_up_in_the_first_steps_is_said() {
    for lr_decay in [false, true] {
        let config = TrainConfig {
            lr_decay,
            ..page_config(10.0, OptimizerKind::Sgd)
        };
        let found = run(page_trainer(Activation::Relu, config, 1337), &moons(), 1000);
        assert!(
            found.iter().any(|f| matches!(f, Finding::LossGrew { .. })),
            "decay {lr_decay}: {found:?}"
        );
    }
}

/// tanh at learning rate 10: no ReLU dies and the loss stays finite, but it never falls.
#[test]
fn a_network_that_never_improves_is_said() {
    let trainer = page_trainer(
        Activation::Tanh,
        page_config(10.0, OptimizerKind::Sgd),
        1337,
    );
    let found = run(trainer, &moons(), 3000);
    let stalled = found
        .iter()
        .find(|f| matches!(f, Finding::Stalled { .. }))
        .unwrap_or_else(|| panic!("{found:?}"));
    let text = stalled.message();
    assert!(
        text.contains("learning rate") && text.contains("not learning"),
        "{text}"
    );
}

#[test]
fn a_network_whose_relus_are_all_off_says_so() {
    // Two points and a 2-4-4-1 network whose first-layer biases put every unit below zero on
    // both: the output is constant and no gradient reaches the weights (the loss sits at 1).
    let train = [Point::new(1.0, 1.0, 1.0), Point::new(-1.0, -1.0, -1.0)];
    let mut model = Mlp::new(2, &[4, 4], 1, Activation::Relu, 7);
    let nin = model.layers[0].nin;
    for i in 0..model.layers[0].nout {
        model.params[i * (nin + 1) + nin] = -10.0;
    }
    let mut trainer = Trainer::new(model, page_config(0.1, OptimizerKind::Sgd), 7);
    assert_eq!(dead_units(&mut trainer, &train), (4 + 4, 8, true));
    let found = run(trainer, &train, 500);
    assert!(
        matches!(
            found.first(),
            Some(Finding::DeadUnits {
                layer_dead: true,
                ..
            })
        ),
        "{found:?}"
    );
    // The gradients are gone too, and that is said (once).
    assert_eq!(
        found
            .iter()
            .filter(|f| matches!(f, Finding::Vanished { .. }))
            .count(),
        1,
        "{found:?}"
    );
    let text = found[0].message();
    assert!(text.contains("new seed") && text.contains("ReLU"), "{text}");
}

#[test]
fn a_too_high_learning_rate_gets_a_notice_with_its_cure() {
    // SGD and Adam at learning rate 10 on moons: finite losses, a network that stopped
    // learning, and a notice that names the learning rate.
    for optimizer in [OptimizerKind::Sgd, OptimizerKind::Adam] {
        let trainer = page_trainer(Activation::Relu, page_config(10.0, optimizer), 1337);
        let found = run(trainer, &moons(), 2000);
        let text: Vec<String> = found.iter().map(Finding::message).collect();
        assert!(
            text.iter().any(|t| t.contains("learning rate")),
            "{optimizer:?}: {text:?}"
        );
    }
}
