package dev.soci.core.internal;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The three SHA-256 streams of a gzip indexing pass, fed in stream order: the blob digest and
 * the span digests over the compressed bytes, the diff ID over the uncompressed bytes.
 *
 * <p>Each compressed byte is fed exactly once ({@link #compressed}); the span cut points arrive
 * separately ({@link #cut}) but always before the bytes they cut, so the spans are hashed from
 * the same single stream as the blob. Span {@code i} ends where checkpoint {@code i + 1} puts
 * its first whole byte and span {@code i + 1} starts one byte earlier when that checkpoint
 * begins mid-byte: that shared byte is the only one a span can need after it was fed, so it is
 * the only one remembered.
 *
 * <p>Not thread-safe: one thread feeds it, either the decoder itself or the hashing helper of
 * {@link AsyncLayerDigests}. Both run this same code, so their results cannot differ.
 */
final class LayerDigests implements DigestFeed {
  private final MessageDigest blob = Sha256.newDigest();
  private final MessageDigest diff = Sha256.newDigest();
  private final List<String> spanDigests = new ArrayList<>();
  /** Current span's digest; null before checkpoint 0 (the first gzip header is in no span). */
  private MessageDigest span;
  /** Absolute offset of the next compressed byte to be fed. */
  private long pos;
  private byte lastByte;
  /** Cuts received but not yet reached, as (end, nextStart) pairs; few (one per checkpoint). */
  private long[] cuts = new long[8];
  private int cutHead;
  private int cutTail;
  /** Start of the span that begins once the stream reaches it; -1 when none is pending. */
  private long pendingStart = -1;

  @Override
  public void compressed(byte[] b, int off, int len) {
    blob.update(b, off, len);
    int p = off;
    int end = off + len;
    while (true) {
      settle();
      if (p == end) {
        break;
      }
      long limit = pos + (end - p);
      if (span != null && cutHead < cutTail) {
        limit = Math.min(limit, cuts[cutHead]);
      } else if (span == null && pendingStart >= 0) {
        limit = Math.min(limit, pendingStart);
      }
      int n = (int) (limit - pos);
      if (span != null) {
        span.update(b, p, n);
      }
      p += n;
      pos += n;
      if (n > 0) {
        lastByte = b[p - 1];
      }
    }
  }

  /**
   * Applies every cut and span start the stream has reached. A span may start at most one byte
   * behind {@code pos} (the byte shared with the previous span), never further.
   */
  private void settle() {
    while (true) {
      if (span != null && cutHead < cutTail && cuts[cutHead] == pos) {
        spanDigests.add(Sha256.finish(span));
        span = null;
        pendingStart = cuts[cutHead + 1];
        cutHead += 2;
        continue;
      }
      if (span == null && pendingStart < 0 && cutHead < cutTail) {
        // Checkpoint 0: no span is open, so only its start matters.
        pendingStart = cuts[cutHead + 1];
        cutHead += 2;
        continue;
      }
      if (span == null && pendingStart >= 0 && pendingStart <= pos) {
        if (pendingStart < pos - 1) {
          throw new IllegalStateException("span start " + pendingStart + " already hashed past (at " + pos + ")");
        }
        span = Sha256.newDigest();
        if (pendingStart == pos - 1) {
          span.update(lastByte);
        }
        pendingStart = -1;
        continue;
      }
      return;
    }
  }

  @Override
  public void cut(long end, long nextStart) {
    if (cutTail + 2 > cuts.length) {
      if (cutHead > 0) {
        System.arraycopy(cuts, cutHead, cuts, 0, cutTail - cutHead);
        cutTail -= cutHead;
        cutHead = 0;
      }
      if (cutTail + 2 > cuts.length) {
        cuts = java.util.Arrays.copyOf(cuts, cuts.length * 2);
      }
    }
    cuts[cutTail++] = end;
    cuts[cutTail++] = nextStart;
    settle();
  }

  @Override
  public void uncompressed(byte[] b, int off, int len) {
    diff.update(b, off, len);
  }

  @Override
  public Result finish(long blobSize) {
    settle();
    if (pos != blobSize || cutHead != cutTail || pendingStart >= 0) {
      throw new IllegalStateException("digest stream ended at " + pos + " of " + blobSize
          + " with cuts pending: " + ((cutTail - cutHead) / 2));
    }
    if (span != null) {
      spanDigests.add(Sha256.finish(span));
      span = null;
    }
    return new Result(spanDigests, Sha256.finish(blob), Sha256.finish(diff));
  }

  @Override
  public void close() {
    // Nothing to release: everything runs on the caller's thread.
  }
}
