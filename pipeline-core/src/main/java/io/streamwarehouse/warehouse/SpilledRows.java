package io.streamwarehouse.warehouse;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.AbstractList;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.state.StreamStateHandle;

/**
 * The rows of a load as they lie in checkpoint storage, serialized one after the other, read back
 * as a list without holding them on the heap: in order the list streams them, and going back starts
 * the stream again. A load is read front to back (once to write it, once for its event-time range,
 * and once more only if a row is refused), so nothing is ever read twice in one pass.
 */
final class SpilledRows<T> extends AbstractList<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StreamStateHandle handle;
    private final int size;
    private final TypeSerializer<T> serializer;

    private transient DataInputViewStreamWrapper in;
    private transient int next;

    SpilledRows(StreamStateHandle handle, int size, TypeSerializer<T> serializer) {
        this.handle = handle;
        this.size = size;
        this.serializer = serializer;
    }

    @Override
    public T get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index + " of " + size);
        }
        try {
            if (in == null || index < next) {
                reopen();
            }
            T row = null;
            while (next <= index) {
                row = serializer.deserialize(in);
                next++;
            }
            if (next == size) {
                close();
            }
            return row;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rows of a load from " + handle, e);
        }
    }

    @Override
    public int size() {
        return size;
    }

    StreamStateHandle handle() {
        return handle;
    }

    private void reopen() throws IOException {
        close();
        in = new DataInputViewStreamWrapper(new BufferedInputStream(handle.openInputStream()));
        next = 0;
    }

    void close() throws IOException {
        if (in != null) {
            in.close();
            in = null;
        }
    }
}
