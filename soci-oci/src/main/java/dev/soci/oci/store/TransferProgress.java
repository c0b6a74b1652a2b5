package dev.soci.oci.store;

import dev.soci.oci.Descriptor;
import java.io.InputStream;

/**
 * Hears how far long reads have got: layers read to build their zTOCs ({@link
 * Activity#INDEX}), blobs copied between stores ({@link Activity#COPY}). Called from the
 * threads doing the work (several at once when layers are indexed in parallel), about every
 * MiB and once more at the end of each blob; keep it quick.
 */
@FunctionalInterface
public interface TransferProgress {
  /** What the bytes are read for. */
  enum Activity {
    /** Read to build a zTOC. */
    INDEX,
    /** Copied to another store. */
    COPY
  }

  /** Reports nothing. */
  TransferProgress NONE = (activity, blob, bytes, finished) -> { };

  /**
   * {@code bytes} of {@code blob} have been read so far; {@code finished} on the last call for
   * it (also when the read ends early).
   *
   * @param activity what the bytes are read for
   * @param blob the descriptor of the blob being read
   * @param bytes how many bytes of it have been read so far, from its start
   * @param finished true on the last call for this read of {@code blob}
   */
  void update(Activity activity, Descriptor blob, long bytes, boolean finished);

  /**
   * {@code in}, reporting its reads of {@code blob} to this listener.
   *
   * @param in the stream of {@code blob}'s bytes
   * @param activity what the bytes are read for
   * @param blob the descriptor of the blob {@code in} reads
   * @return a stream reading {@code in} and reporting to this listener; {@code in} itself for
   *     {@link #NONE}
   */
  default InputStream watch(InputStream in, Activity activity, Descriptor blob) {
    if (this == NONE) {
      return in;
    }
    return new WatchedInputStream(in, this, activity, blob);
  }
}
