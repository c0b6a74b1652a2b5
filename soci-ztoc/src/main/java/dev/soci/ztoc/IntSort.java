package dev.soci.ztoc;

/** Sorting of int indexes by a primitive comparator, without boxing (stable merge sort). */
final class IntSort {
  private IntSort() {}

  /** Compares two indexes. */
  @FunctionalInterface
  interface IndexComparator {
    int compare(int a, int b);
  }

  /** The indexes {@code 0..n-1} sorted by {@code cmp}; equal elements keep index order. */
  static int[] sortedIndexes(int n, IndexComparator cmp) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    int[] tmp = new int[n];
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n - width; lo += 2 * width) {
        int mid = lo + width;
        int hi = Math.min(lo + 2 * width, n);
        if (cmp.compare(a[mid - 1], a[mid]) <= 0) {
          continue; // already in order
        }
        System.arraycopy(a, lo, tmp, lo, hi - lo);
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
          if (j >= hi || (i < mid && cmp.compare(tmp[i], tmp[j]) <= 0)) {
            a[k] = tmp[i++];
          } else {
            a[k] = tmp[j++];
          }
        }
      }
    }
    return a;
  }
}
