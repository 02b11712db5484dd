package io.cinnabar.server;

/**
 * {@link ListContract} on a quicklist ({@code list-max-listpack-size 1}: one element per node, so the sequences
 * also cross node boundaries all the time).
 */
class ListQuicklistContractTest extends ListContract {
    @Override
    String encoding() {
        return "quicklist";
    }

    @Override
    String[] thresholds() {
        return new String[] {"list-max-listpack-size", "1"};
    }
}
