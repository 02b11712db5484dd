package io.cinnabar.dict;

/**
 * Whether dicts may resize and rehash (Redis: {@code dictResizeEnable}, set with {@code dictSetResizeEnabled}).
 * The server avoids resizing while a snapshot is being written, because moving entries then costs memory and
 * time for nothing; a table that gets too crowded grows anyway.
 */
public enum ResizePolicy {
    /** Grow when the table holds as many keys as buckets; shrink on request below 10% fill. */
    ENABLE,
    /**
     * Grow only when keys outnumber buckets more than {@link Dict#FORCE_RESIZE_RATIO} to one; never shrink;
     * an ongoing rehash proceeds only when the two table sizes differ by at least that ratio.
     */
    AVOID,
    /** Never resize, never rehash. */
    FORBID
}
