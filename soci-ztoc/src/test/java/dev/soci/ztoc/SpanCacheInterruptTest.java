package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A span load shared by several threads must not fail for all of them when its loader is interrupted. */
class SpanCacheInterruptTest {

  @Test
  void aWaiterLoadsAgainWhenTheSharedLoadWasInterrupted() throws Exception {
    SpanCache cache = new SpanCache(1 << 20, 4);
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger loads = new AtomicInteger();
    byte[] data = {1, 2, 3};
    SpanCache.Loader interrupted = span -> {
      loads.incrementAndGet();
      loading.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        // not expected: release is counted down
      }
      Thread.currentThread().interrupt(); // as a real interrupt leaves it (RangeSource.of keeps it)
      throw new InterruptedIOException("interrupted while reading");
    };
    SpanCache.Loader good = span -> {
      loads.incrementAndGet();
      return data;
    };
    CompletableFuture<Throwable> first = CompletableFuture.supplyAsync(() -> {
      try {
        cache.get(2, interrupted);
        return null;
      } catch (Throwable t) {
        return t;
      } finally {
        Thread.interrupted(); // a pool thread: leave it as it was
      }
    });
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<byte[]> second = CompletableFuture.supplyAsync(() -> {
      try {
        return cache.get(2, good);
      } catch (Exception e) {
        throw new AssertionError("the waiter failed with the loader's interrupt", e);
      }
    });
    // Let the second thread start waiting on the first load before it fails.
    Thread.sleep(200);
    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(data);
    assertThat(loads.get()).isEqualTo(2);
  }

  @Test
  void aTimeoutIsEveryWaitersFailureAndIsNotRetried() throws Exception {
    SpanCache cache = new SpanCache(1 << 20, 4);
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger loads = new AtomicInteger();
    SpanCache.Loader timingOut = span -> {
      loads.incrementAndGet();
      loading.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new java.net.SocketTimeoutException("read timed out"); // an InterruptedIOException
    };
    CompletableFuture<Throwable> first = CompletableFuture.supplyAsync(() -> failure(cache, timingOut));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Throwable> second = CompletableFuture.supplyAsync(() -> failure(cache, timingOut));
    Thread.sleep(200); // the second thread waits on the first load
    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS)).isInstanceOf(java.net.SocketTimeoutException.class);
    assertThat(second.get(10, TimeUnit.SECONDS)).isInstanceOf(java.net.SocketTimeoutException.class);
    assertThat(loads.get()).isEqualTo(1);
  }

  private static Throwable failure(SpanCache cache, SpanCache.Loader loader) {
    try {
      cache.get(1, loader);
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  @Test
  void anInterruptedWaiterStillFails() throws Exception {
    SpanCache cache = new SpanCache(1 << 20, 1);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> cache.get(0, span -> {
        throw new InterruptedIOException("interrupted");
      })).isInstanceOf(InterruptedIOException.class);
    } finally {
      Thread.interrupted();
    }
  }
}
