package dev.soci.ztoc;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Decompressed spans, least recently used evicted first once their total size passes a bound.
 * Concurrent requests for the same span share one load, so a span is never fetched or
 * decompressed twice while it is cached or being loaded.
 */
final class SpanCache {
  /** Produces the decompressed bytes of a span. */
  @FunctionalInterface
  interface Loader {
    byte[] load(int span) throws IOException;
  }

  private final long maxBytes;
  private final LinkedHashMap<Integer, byte[]> spans = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<Integer, CompletableFuture<byte[]>> loading = new HashMap<>();
  private long bytes;

  SpanCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  byte[] get(int span, Loader loader) throws IOException {
    CompletableFuture<byte[]> pending;
    boolean mine = false;
    synchronized (this) {
      byte[] cached = spans.get(span);
      if (cached != null) {
        return cached;
      }
      pending = loading.get(span);
      if (pending == null) {
        pending = new CompletableFuture<>();
        loading.put(span, pending);
        mine = true;
      }
    }
    if (mine) {
      return loadAndPublish(span, loader, pending);
    }
    return await(pending);
  }

  /** Number of bytes held now (for tests and monitoring). */
  synchronized long size() {
    return bytes;
  }

  synchronized boolean contains(int span) {
    return spans.containsKey(span);
  }

  private byte[] loadAndPublish(int span, Loader loader, CompletableFuture<byte[]> pending)
      throws IOException {
    byte[] data;
    try {
      data = loader.load(span);
    } catch (IOException | RuntimeException | Error e) {
      synchronized (this) {
        loading.remove(span);
      }
      pending.completeExceptionally(e);
      throw e;
    }
    synchronized (this) {
      loading.remove(span);
      spans.put(span, data);
      bytes += data.length;
      evict(span);
    }
    pending.complete(data);
    return data;
  }

  private void evict(int keep) {
    Iterator<Map.Entry<Integer, byte[]>> it = spans.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<Integer, byte[]> e = it.next();
      if (e.getKey() != keep) {
        bytes -= e.getValue().length;
        it.remove();
      }
    }
  }

  private static byte[] await(CompletableFuture<byte[]> pending) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return pending.get();
        } catch (InterruptedException e) {
          interrupted = true; // finish waiting: the loading thread will complete the future
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          throw (Error) cause;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
