//! Awaiting many futures at once without spawning tasks (the futures may borrow), keeping
//! their order: the probes of one run are concurrent, never sequential.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

pub async fn join_all<F: Future>(futs: Vec<F>) -> Vec<F::Output> {
    let mut pending: Vec<(usize, Pin<Box<F>>)> =
        futs.into_iter().map(Box::pin).enumerate().collect();
    let mut outputs: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        pending.retain_mut(|(i, f)| match f.as_mut().poll(cx) {
            Poll::Ready(v) => {
                outputs[*i] = Some(v);
                false
            }
            Poll::Pending => true,
        });
        if pending.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn concurrent_and_ordered() {
        // Every future waits until all have started: only a concurrent join completes.
        let barrier = Arc::new(tokio::sync::Barrier::new(3));
        let futs: Vec<_> = [3u8, 1, 2]
            .into_iter()
            .map(|n| {
                let b = barrier.clone();
                async move {
                    b.wait().await;
                    n
                }
            })
            .collect();
        let out = tokio::time::timeout(Duration::from_secs(10), join_all(futs)).await;
        assert_eq!(
            out.expect("a sequential join would never finish"),
            vec![3, 1, 2]
        );
    }
}
