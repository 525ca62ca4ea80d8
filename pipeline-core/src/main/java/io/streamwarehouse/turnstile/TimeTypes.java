package io.streamwarehouse.turnstile;

import java.lang.reflect.Type;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.LocalTimeTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink's own serializers for the {@code java.time} fields of the turnstile POJOs. Flink's type
 * extraction does not know these classes and would hand them to Kryo, on the hot path of every
 * reading and in every checkpoint; {@code @TypeInfo} on the field says which serializer to use.
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

    public static final class Date extends TypeInfoFactory<LocalDate> {
        @Override
        public TypeInformation<LocalDate> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> parameters) {
            return LocalTimeTypeInfo.LOCAL_DATE;
        }
    }
}
