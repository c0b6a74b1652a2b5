package dev.soci.oci.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.oci.Descriptor;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.build.FoundSociIndex;
import dev.soci.oci.store.InMemoryStore;
import dev.soci.ztoc.ZtocView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What a read costs: the range reads a lookup and a cat make on an indexed layer. */
class RangeReadsTest {
  @Test
  void listingReadsNoLayerByteAndACatFetchesOnlyTheSpansHoldingTheFile() throws Exception {
    InMemoryStore mem = new InMemoryStore("mem");
    LayerTar t = new LayerTar();
    Random r = new Random(11);
    for (int i = 0; i < 40; i++) {
      byte[] filler = new byte[200_000];
      r.nextBytes(filler); // incompressible: the layer is about 8 MB, 120 spans of 64 KiB
      t.file("data/blob" + i, filler, 0644, 0, 0);
      if (i == 20) {
        t.file("etc/needle", "the one small file we want\n");
      }
    }
    Descriptor m = TestImages.image(mem, "t", List.of(t.gzip()));
    TestImages.index(mem, m, 0, 1 << 16);
    ForwardingStore store = new ForwardingStore(mem);
    try (SociImage image = SociImage.open(store, m, null)) {
      assertThat(image.list("data")).hasSize(40);
      ImageEntry needle = image.resolve("etc/needle");
      assertThat(store.ranges).as("the tree comes from the zTOC alone").isEmpty();

      assertThat(new String(image.readFile("etc/needle"), StandardCharsets.UTF_8))
          .isEqualTo("the one small file we want\n");

      Descriptor layer = image.layers().get(0).layer();
      FoundSociIndex found = FoundSociIndex.find(mem, m).get(0);
      Descriptor ztocDescriptor = found.index().ztocs().stream()
          .filter(z -> z.annotations().get(MediaTypes.ANNOTATION_IMAGE_LAYER_DIGEST)
              .equals(layer.digest().toString()))
          .findFirst().orElseThrow();
      ZtocView ztoc = ZtocView.open(mem.readBlob(ztocDescriptor));
      long offset = ztoc.uncompressedOffset(needle.entryIndex());
      // The spans holding the file's tar header block (checked before the data) and its data.
      int first = ztoc.spanHolding(offset - 512);
      int last = ztoc.spanHolding(offset + needle.size() - 1);
      List<ForwardingStore.Range> expected = new ArrayList<>();
      for (int s = first; s <= last; s++) {
        long start = ztoc.spanCompressedStart(s);
        expected.add(new ForwardingStore.Range(layer.digest(), start,
            (int) (ztoc.spanCompressedEnd(s) - start)));
      }
      assertThat(ztoc.spanCount()).isGreaterThan(100);
      assertThat(store.ranges).containsExactlyInAnyOrderElementsOf(expected);
      long fetched = store.ranges.stream().mapToLong(ForwardingStore.Range::length).sum();
      assertThat(fetched).isLessThan(layer.size() / 50);
      assertThat(store.opens(layer)).as("no whole fetch").isZero();

      // Again: the span is cached, nothing more is fetched.
      image.readFile("etc/needle");
      assertThat(store.ranges).hasSameSizeAs(expected);
    }
  }
}
