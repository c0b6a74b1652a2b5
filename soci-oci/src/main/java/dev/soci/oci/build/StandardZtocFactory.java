package dev.soci.oci.build;

import dev.soci.core.Compression;
import dev.soci.oci.LayerCompression;
import dev.soci.ztoc.BuiltZtoc;
import dev.soci.ztoc.ZtocBuilder;
import java.io.IOException;
import java.io.InputStream;

/** {@link ZtocFactory#standard()}: soci-ztoc's one-pass {@link ZtocBuilder}. */
final class StandardZtocFactory implements ZtocFactory {
  static final StandardZtocFactory INSTANCE = new StandardZtocFactory();

  private StandardZtocFactory() {}

  @Override
  public ZtocBlob build(ZtocRequest request, InputStream layerBlob) throws IOException {
    BuiltZtoc z = ZtocBuilder.create()
        .spanSize(request.spanSize())
        .buildToolIdentifier(request.buildToolIdentifier())
        .compression(compression(request.compression()))
        .build(layerBlob);
    return ZtocBlob.of(z);
  }

  private static Compression compression(LayerCompression c) {
    switch (c) {
      case GZIP:
        return Compression.GZIP;
      case UNCOMPRESSED:
        return Compression.UNCOMPRESSED;
      default:
        throw new IllegalArgumentException("no zTOC can be built for a " + c + " layer");
    }
  }
}
