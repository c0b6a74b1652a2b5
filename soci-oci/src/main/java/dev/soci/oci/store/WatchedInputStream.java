package dev.soci.oci.store;

import dev.soci.oci.Descriptor;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read and reports them every MiB and at close. */
final class WatchedInputStream extends FilterInputStream {
  private static final long STEP = 1 << 20;
  private final TransferProgress listener;
  private final TransferProgress.Activity activity;
  private final Descriptor blob;
  private long count;
  private long reported;
  private boolean finished;

  WatchedInputStream(InputStream in, TransferProgress listener, TransferProgress.Activity activity,
      Descriptor blob) {
    super(in);
    this.listener = listener;
    this.activity = activity;
    this.blob = blob;
    listener.update(activity, blob, 0, false); // the start: rates count from here
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    counted(b < 0 ? -1 : 1);
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    counted(n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = super.skip(n);
    counted(s);
    return s;
  }

  private void counted(long n) {
    if (n < 0) {
      finish();
      return;
    }
    count += n;
    if (count - reported >= STEP) {
      reported = count;
      listener.update(activity, blob, count, false);
    }
  }

  private void finish() {
    if (!finished) {
      finished = true;
      listener.update(activity, blob, count, true);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } finally {
      finish();
    }
  }
}
