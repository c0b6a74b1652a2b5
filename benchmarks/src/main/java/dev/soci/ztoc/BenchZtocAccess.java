package dev.soci.ztoc;

import dev.soci.core.internal.Checkpoint;
import java.util.List;

/**
 * What the benchmarks measure below soci-ztoc's API: the full parse into the model, the gzip
 * checkpoints, the pass's layer facts. In soci-ztoc's package, as the benchmarks run on the
 * class path.
 */
public final class BenchZtocAccess {
  private BenchZtocAccess() {}

  /** The full parse of a zTOC into model objects (every entry, string and the zinfo copied). */
  public static Object toModel(ZtocView view) {
    return view.toModel();
  }

  /** The checkpoints (with windows) of a gzip zTOC. */
  public static List<Checkpoint> checkpoints(ZtocView view) {
    return view.gzipZinfo().checkpoints();
  }

  /** Spans the build cut the layer into. */
  public static int spanCount(BuiltZtoc z) {
    return z.layer().spanCount();
  }

  /** Size of the whole uncompressed stream the build read. */
  public static long uncompressedSize(BuiltZtoc z) {
    return z.layer().uncompressedSize();
  }

  /** Size of the compressed layer the build read. */
  public static long compressedSize(BuiltZtoc z) {
    return z.layer().compressedSize();
  }
}
