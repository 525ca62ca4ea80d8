package io.streamwarehouse.turnstile;

import java.lang.reflect.Type;
import java.time.LocalDateTime;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.LocalTimeTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink's own serializer for the reading times kept in state and passed between tasks. Flink's type
 * extraction does not know {@code java.time} classes and would hand them to Kryo, on the hot path
 * of every reading and in every checkpoint; {@code @TypeInfo} on the field says which serializer to
 * use. ({@link TurnstileDelta} keeps plain fields: the Table API reads them through its declared
 * schema, and the delta never leaves its chain.)
 */
public final class TimeTypes {
    private TimeTypes() {}

    public static final class DateTime extends TypeInfoFactory<LocalDateTime> {
        @Override
        public TypeInformation<LocalDateTime> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> parameters) {
            return LocalTimeTypeInfo.LOCAL_DATE_TIME;
        }
    }
}
