package dev.soci.benchmarks;

import dev.soci.ztoc.BenchZtocAccess;
import dev.soci.ztoc.BuiltZtoc;
import dev.soci.ztoc.ZtocBuilder;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Target 5 (memory): indexes a ~1 GiB gzip layer with a small heap. Not a JMH benchmark: the
 * question is "does it fit", answered by running it in a JVM started with e.g. {@code -Xmx80m}
 * (64 MiB plus room for the zTOC itself, about 8 MiB of checkpoint windows at 4 MiB spans).
 *
 * <p>The layer never exists in memory or on disk: a producer thread writes tar entries one at a
 * time through a GZIPOutputStream into a pipe, and {@link ZtocBuilder} reads the other end. The
 * producer also hashes the tar it writes, so the run checks the indexer's diff ID as well.
 *
 * <p>Usage: {@code java -Xmx80m -cp benchmarks.jar dev.soci.benchmarks.MemoryCheck [MiB] [level]}.
 * Prints {@code key=value} lines (read by {@link Report}) and exits 0 only on success. An
 * OutOfMemoryError is caught and reported as {@code status=OOM}.
 */
public final class MemoryCheck {
  private MemoryCheck() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int level = args.length > 1 ? Integer.parseInt(args[1]) : Deflater.DEFAULT_COMPRESSION;
    long maxHeap = Runtime.getRuntime().maxMemory();

    // Sampling heap-in-use catches the peak between collections that pool peaks (below) report
    // too, but pool peaks are summed across pools that peak at different times, so they only
    // bound it from above; print both.
    AtomicLong sampledPeak = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        sampledPeak.accumulateAndGet(used, Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();

    // A 1 MiB pipe buffer: the 1 KiB default would make the two threads hand over constantly.
    PipedInputStream in = new PipedInputStream(1 << 20);
    PipedOutputStream pipe = new PipedOutputStream(in);
    MessageDigest tarDigest = MessageDigest.getInstance("SHA-256");
    long[] tarBytes = new long[1];
    Throwable[] producerError = new Throwable[1];
    Thread producer = new Thread(() -> {
      try (OutputStream gz = new GZIPOutputStream(new BufferedOutputStream(pipe, 1 << 16), 1 << 16) {
            {
              def.setLevel(level);
            }
          };
          OutputStream tar = new DigestOutputStream(gz, tarDigest)) {
        tarBytes[0] = SyntheticLayer.writeTar(tar, (long) mib << 20, 1);
      } catch (Throwable t) {
        producerError[0] = t;
      }
    }, "layer-producer");
    producer.start();

    long t0 = System.nanoTime();
    String status;
    BuiltZtoc z = null;
    String detail = "";
    try {
      z = ZtocBuilder.create().build(in);
      status = "OK";
    } catch (OutOfMemoryError e) {
      status = "OOM";
      detail = String.valueOf(e.getMessage());
      // Where it ran out matters more than that it did: the stack names the allocation.
      e.printStackTrace();
    } catch (IOException | RuntimeException e) {
      status = "FAILED";
      detail = e.toString();
      e.printStackTrace();
    }
    // Closing the read end unblocks a producer still writing after a failure (it gets "Pipe closed").
    in.close();
    long elapsed = System.nanoTime() - t0;
    producer.join();
    sampler.interrupt();

    if (producerError[0] != null && "OK".equals(status)) {
      status = "PRODUCER_FAILED";
      detail = producerError[0].toString();
    }
    if (z != null && "OK".equals(status)) {
      String expect = "sha256:" + HexFormat.of().formatHex(tarDigest.digest());
      if (!expect.equals(z.diffId()) || BenchZtocAccess.uncompressedSize(z) != tarBytes[0]) {
        status = "WRONG_RESULT";
        detail = "diffId " + z.diffId() + " expected " + expect;
      }
    }

    long poolPeaks = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
        poolPeaks += p.getPeakUsage().getUsed();
      }
    }
    System.out.println("status=" + status);
    if (!detail.isEmpty()) {
      System.out.println("detail=" + detail);
    }
    System.out.println("layer_uncompressed_bytes=" + tarBytes[0]);
    System.out.println("max_heap_bytes=" + maxHeap);
    System.out.println("peak_heap_sampled_bytes=" + sampledPeak.get());
    System.out.println("peak_heap_pool_sum_bytes=" + poolPeaks);
    System.out.println("elapsed_ms=" + elapsed / 1_000_000);
    if (z != null) {
      System.out.println("ztoc_bytes=" + z.size());
      System.out.println("spans=" + BenchZtocAccess.spanCount(z));
      System.out.println("entries=" + z.entries().size());
      System.out.println("compressed_bytes=" + BenchZtocAccess.compressedSize(z));
    }
    System.exit("OK".equals(status) ? 0 : 1);
  }
}
