package io.cinnabar.server;

/** {@link ListContract} on a listpack list (the built-in {@code list-max-listpack-size -2}; 7.0 says quicklist). */
class ListListpackContractTest extends ListContract {
    @Override
    String encoding() {
        return "listpack";
    }

    @Override
    String[] thresholds() {
        return new String[] {"list-max-listpack-size", "-2"};
    }
}
