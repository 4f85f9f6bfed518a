//! The container's image: used when present locally, pulled only when absent (with progress
//! on a terminal).

use crate::error::failure;
use bollard::Docker;
use bollard::query_parameters::CreateImageOptionsBuilder;
use futures::StreamExt;
use std::collections::BTreeMap;
use std::io::IsTerminal;

/// Makes sure `image:tag` exists on the engine.
pub(crate) async fn ensure_image(docker: &Docker, image: &str, tag: &str) -> anyhow::Result<()> {
    let reference = format!("{image}:{tag}");
    match docker.inspect_image(&reference).await {
        Ok(_) => return Ok(()),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => {}
        Err(err) => return Err(failure(format!("cannot inspect image {reference}: {err}"))),
    }
    eprintln!("pulling {reference} (not present on the Docker engine)");
    let options = CreateImageOptionsBuilder::default()
        .from_image(image)
        .tag(tag)
        .build();
    let mut progress = PullProgress::new();
    let mut stream = docker.create_image(Some(options), None, None);
    while let Some(item) = stream.next().await {
        let info = item.map_err(|e| pull_failed(&reference, &e.to_string()))?;
        if let Some(detail) = info.error_detail.and_then(|d| d.message) {
            return Err(pull_failed(&reference, &detail));
        }
        progress.update(info.id, info.progress_detail);
    }
    progress.finish();
    Ok(())
}

fn pull_failed(reference: &str, why: &str) -> anyhow::Error {
    failure(format!(
        "cannot pull image {reference}: {why}\n  the image is neither on the Docker engine nor \
         pullable; build or load it locally (docker build / docker load / docker import) or name \
         another image with docker+postgres://IMAGE:TAG/DB"
    ))
}

/// A byte-count bar over all layers, drawn only when stderr is a terminal.
struct PullProgress {
    bar: Option<indicatif::ProgressBar>,
    layers: BTreeMap<String, (u64, u64)>,
}

impl PullProgress {
    fn new() -> PullProgress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {elapsed}")
            {
                bar.set_style(style);
            }
            bar
        });
        PullProgress {
            bar,
            layers: BTreeMap::new(),
        }
    }

    fn update(&mut self, layer: Option<String>, detail: Option<bollard::models::ProgressDetail>) {
        let (Some(bar), Some(layer), Some(detail)) = (&self.bar, layer, detail) else {
            return;
        };
        let (Some(current), Some(total)) = (detail.current, detail.total) else {
            return;
        };
        self.layers
            .insert(layer, (current.max(0) as u64, total.max(0) as u64));
        bar.set_length(self.layers.values().map(|(_, t)| t).sum());
        bar.set_position(self.layers.values().map(|(c, _)| c).sum());
    }

    fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
