package dev.soci.ztoc;

import dev.soci.core.IndexLimitException;
import java.nio.file.Path;

/**
 * Run in a child JVM with a small heap by {@link ZtocLimitsTest}: builds the zTOC of each layer
 * file given, with the default limits, and prints one line per layer: {@code LIMIT <name>
 * <message>}, {@code BUILT <size>}, or the failure's class.
 */
public final class HostileLayerMain {
  private HostileLayerMain() {}

  public static void main(String[] args) {
    for (String a : args) {
      try {
        BuiltZtoc z = ZtocBuilder.create().build(Path.of(a));
        System.out.println("BUILT " + z.size());
      } catch (IndexLimitException e) {
        System.out.println("LIMIT " + e.limitName() + " " + e.getMessage());
      } catch (Throwable t) {
        System.out.println("FAILED " + t);
      }
    }
  }
}
