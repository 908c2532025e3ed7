//! The OTLP exporter with its first failure kept, so a run whose collector is unreachable
//! ends with one warning instead of one per batch (or none: the SDK's own logs are off).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

/// The first reason an export failed, if one did.
#[derive(Debug, Default)]
pub struct Failure(Mutex<Option<String>>);

impl Failure {
    fn keep(&self, reason: String) {
        if let Ok(mut slot) = self.0.lock() {
            slot.get_or_insert(reason);
        }
    }

    pub fn take(&self) -> Option<String> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

#[derive(Debug)]
pub struct Watched {
    inner: opentelemetry_otlp::SpanExporter,
    failure: Arc<Failure>,
}

impl Watched {
    pub fn new(inner: opentelemetry_otlp::SpanExporter, failure: Arc<Failure>) -> Watched {
        Watched { inner, failure }
    }
}

impl SpanExporter for Watched {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let result = self.inner.export(batch).await;
        if let Err(e) = &result {
            self.failure.keep(e.to_string());
        }
        result
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}
