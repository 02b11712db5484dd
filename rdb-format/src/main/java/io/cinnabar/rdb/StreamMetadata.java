package io.cinnabar.rdb;

/**
 * The stream fields saved after its listpacks. Fields a file version does not carry are {@code null} (ids) or -1.
 *
 * @param length            number of live entries
 * @param lastId            last generated id
 * @param firstId           first entry id (type 19+)
 * @param maxDeletedId      largest deleted id (type 19+)
 * @param entriesAdded      entries ever added (type 19+)
 * @param groups            number of consumer groups that follow
 */
public record StreamMetadata(long length, StreamId lastId, StreamId firstId, StreamId maxDeletedId, long entriesAdded,
                             long groups) {
}
