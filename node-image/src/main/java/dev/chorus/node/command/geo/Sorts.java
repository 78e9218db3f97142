package dev.chorus.node.command.geo;

/**
 * The two sorts geo.c (and, for pqsort, sort.c) uses, ported so that elements comparing equal (the same distance) come out in the same order
 * as in Redis: glibc's qsort (a top-down merge sort, msort.c, as long as memory allows) for a full sort, and
 * Redis 7.0's pqsort.c (NetBSD's quicksort, partial, without the switch to insertion sort) when COUNT asks for fewer than all results.
 */
public final class Sorts {
    private Sorts() {
    }

    /** A qsort comparator: negative, zero or positive. */
    @FunctionalInterface
    public interface Cmp<T> {
        int compare(T a, T b);
    }

    /** glibc's msort_with_tmp over a[0..n). */
    public static <T> void msort(T[] a, int n, Cmp<? super T> cmp) {
        @SuppressWarnings("unchecked")
        T[] tmp = (T[]) new Object[n];
        msort(a, 0, n, cmp, tmp);
    }

    private static <T> void msort(T[] b, int off, int n, Cmp<? super T> cmp, T[] tmp) {
        if (n <= 1) {
            return;
        }
        int n1 = n / 2;
        int n2 = n - n1;
        int b1 = off;
        int b2 = off + n1;
        msort(b, b1, n1, cmp, tmp);
        msort(b, b2, n2, cmp, tmp);
        int t = 0;
        while (n1 > 0 && n2 > 0) {
            if (cmp.compare(b[b1], b[b2]) <= 0) {
                tmp[t++] = b[b1++];
                n1--;
            } else {
                tmp[t++] = b[b2++];
                n2--;
            }
        }
        while (n1 > 0) {
            tmp[t++] = b[b1++];
            n1--;
        }
        // What is left of the second half is already in place.
        System.arraycopy(tmp, 0, b, off, n - n2);
    }

    /** Redis' pqsort(a, n, es, cmp, lrange, rrange): sorts enough that a[lrange..rrange] hold their final values. */
    public static <T> void pqsort(T[] a, int n, Cmp<? super T> cmp, int lrange, int rrange) {
        pqsort(a, 0, n, cmp, lrange, rrange);
    }

    private static <T> void swap(T[] a, int i, int j) {
        T t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    private static <T> void vecswap(T[] a, int i, int j, int n) {
        for (int k = 0; k < n; k++) {
            swap(a, i + k, j + k);
        }
    }

    private static <T> int med3(T[] x, int a, int b, int c, Cmp<? super T> cmp) {
        return cmp.compare(x[a], x[b]) < 0
                ? (cmp.compare(x[b], x[c]) < 0 ? b : (cmp.compare(x[a], x[c]) < 0 ? c : a))
                : (cmp.compare(x[b], x[c]) > 0 ? b : (cmp.compare(x[a], x[c]) < 0 ? a : c));
    }

    /** _pqsort with element indices in place of byte pointers ({@code a} is the first index of the range). */
    private static <T> void pqsort(T[] x, int a, int n, Cmp<? super T> cmp, int lrange, int rrange) {
        while (true) {
            if (n < 7) {
                insertionSort(x, a, n, cmp);
                return;
            }
            int pm = a + n / 2;
            if (n > 7) {
                int pl = a;
                int pn = a + n - 1;
                if (n > 40) {
                    int d = n / 8;
                    pl = med3(x, pl, pl + d, pl + 2 * d, cmp);
                    pm = med3(x, pm - d, pm, pm + d, cmp);
                    pn = med3(x, pn - 2 * d, pn - d, pn, cmp);
                }
                pm = med3(x, pl, pm, pn, cmp);
            }
            swap(x, a, pm);
            int pa = a + 1;
            int pb = pa;
            int pc = a + n - 1;
            int pd = pc;
            for (;;) {
                int r;
                while (pb <= pc && (r = cmp.compare(x[pb], x[a])) <= 0) {
                    if (r == 0) {
                        swap(x, pa, pb);
                        pa++;
                    }
                    pb++;
                }
                while (pb <= pc && (r = cmp.compare(x[pc], x[a])) >= 0) {
                    if (r == 0) {
                        swap(x, pc, pd);
                        pd--;
                    }
                    pc--;
                }
                if (pb > pc) {
                    break;
                }
                swap(x, pb, pc);
                pb++;
                pc--;
            }
            int pn = a + n;
            int r = Math.min(pa - a, pb - pa);
            vecswap(x, a, pb - r, r);
            r = Math.min(pd - pc, pn - pd - 1);
            vecswap(x, pb, pn - r, r);
            if ((r = pb - pa) > 1) {
                if (overlaps(a, r, lrange, rrange)) {
                    pqsort(x, a, r, cmp, lrange, rrange);
                }
            }
            if ((r = pd - pc) > 1) {
                a = pn - r;
                n = r;
                if (overlaps(a, r, lrange, rrange)) {
                    continue;
                }
            }
            return;
        }
    }

    /** Whether the elements [lo, lo + n) reach into [lrange, rrange] (the C test on byte addresses). */
    private static boolean overlaps(int lo, int n, int lrange, int rrange) {
        int hi = lo + n - 1;
        return !((lrange < lo && rrange < lo) || (lrange > hi && rrange > hi));
    }

    private static <T> void insertionSort(T[] x, int a, int n, Cmp<? super T> cmp) {
        for (int pm = a + 1; pm < a + n; pm++) {
            for (int pl = pm; pl > a && cmp.compare(x[pl - 1], x[pl]) > 0; pl--) {
                swap(x, pl, pl - 1);
            }
        }
    }
}
