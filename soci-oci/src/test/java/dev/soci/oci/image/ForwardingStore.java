package dev.soci.oci.image;

import dev.soci.core.RangeSource;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.store.ContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A store passing everything to another, counting blob opens and recording range reads. */
public class ForwardingStore implements ContentStore {
  /** One range read: which blob, where, how long. */
  public record Range(Digest blob, long offset, int length) {}

  public final ContentStore delegate;
  public final List<Range> ranges = new CopyOnWriteArrayList<>();
  public final Map<Digest, AtomicInteger> blobOpens = new ConcurrentHashMap<>();

  public ForwardingStore(ContentStore delegate) {
    this.delegate = delegate;
  }

  public int opens(Descriptor d) {
    AtomicInteger n = blobOpens.get(d.digest());
    return n == null ? 0 : n.get();
  }

  @Override
  public String name() {
    return "forwarding " + delegate.name();
  }

  @Override
  public Descriptor resolve(String reference) throws IOException {
    return delegate.resolve(reference);
  }

  @Override
  public boolean exists(Descriptor blob) throws IOException {
    return delegate.exists(blob);
  }

  @Override
  public InputStream openBlob(Descriptor blob) throws IOException {
    blobOpens.computeIfAbsent(blob.digest(), k -> new AtomicInteger()).incrementAndGet();
    return delegate.openBlob(blob);
  }

  @Override
  public RangeSource openRanges(Descriptor blob) throws IOException {
    RangeSource inner = delegate.openRanges(blob);
    return new RangeSource() {
      @Override
      public long size() throws IOException {
        return inner.size();
      }

      @Override
      public void readFully(long offset, ByteBuffer dst) throws IOException {
        ranges.add(new Range(blob.digest(), offset, dst.remaining()));
        inner.readFully(offset, dst);
      }

      @Override
      public void close() throws IOException {
        inner.close();
      }
    };
  }

  @Override
  public void putBlob(Descriptor expected, InputStream content) throws IOException {
    delegate.putBlob(expected, content);
  }

  @Override
  public void putManifest(Descriptor descriptor, byte[] bytes, String tag) throws IOException {
    delegate.putManifest(descriptor, bytes, tag);
  }

  @Override
  public List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
    return delegate.referrers(subject, artifactType);
  }

  @Override
  public Descriptor putReferrer(Descriptor descriptor, byte[] bytes) throws IOException {
    return delegate.putReferrer(descriptor, bytes);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
