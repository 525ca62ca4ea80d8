package io.streamwarehouse.customer;

/**
 * Change events in the exact shape Flink CDC 3.5 emits through {@link ChangeEventDeserializer}:
 * Debezium 1.9 envelopes plus the connector offset. The MariaDB 11.4 events carry the negative
 * {@code source.pos} that server produces inside transactions; the offset holds the real position.
 */
final class CdcEvents {

    private CdcEvents() {}

    static final String MYSQL_SNAPSHOT_CUSTOMER =
            """
            {"before":null,"after":{"customer_id":583,"store_id":1,"first_name":"MATTHEW","last_name":"SANCHEZ",\
            "email":"MATTHEW.SANCHEZ@sakilacustomer.org","address_id":587,"active":1,"create_date":1135221931000,\
            "last_update":"2024-03-01T05:40:31Z"},"source":{"version":"1.9.8.Final","connector":"mysql",\
            "name":"mysql_binlog_source","ts_ms":0,"snapshot":"false","db":"sakila_it","sequence":null,\
            "table":"customer","server_id":0,"gtid":null,"file":"","pos":0,"row":0,"thread":null,"query":null},\
            "op":"r","ts_ms":1709271644229,"transaction":null,\
            "source_offset":{"transaction_id":null,"ts_sec":1709271644,"file":"","pos":0}}""";

    /** An e-mail update; transaction starting at 603697, its third event. */
    static final String MARIADB_UPDATE_CUSTOMER =
            """
            {"before":{"customer_id":395,"store_id":2,"first_name":"HEATHER","last_name":"TORRES",\
            "email":"HEATHER.TORRES@sakilacustomer.org","address_id":399,"active":1,"create_date":1135277939000,\
            "last_update":"2024-03-01T05:40:31Z"},"after":{"customer_id":395,"store_id":2,"first_name":"HEATHER",\
            "last_name":"TORRES","email":"HEATHER.TORRES88@sakilacustomer.org","address_id":399,"active":1,\
            "create_date":1135277939000,"last_update":"2024-03-01T05:40:48Z"},"source":{"version":"1.9.8.Final",\
            "connector":"mysql","name":"mysql_binlog_source","ts_ms":1709271648000,"snapshot":"false",\
            "db":"sakila_it","sequence":null,"table":"customer","server_id":1,"gtid":null,\
            "file":"mysql-bin.000001","pos":-170,"row":0,"thread":0,"query":null},"op":"u",\
            "ts_ms":1709271648753,"transaction":null,"source_offset":{"transaction_id":null,\
            "ts_sec":1709271648,"file":"mysql-bin.000001","pos":603697,"row":1,"server_id":1,"event":3}}""";

    static final String MARIADB_DELETE_CUSTOMER =
            """
            {"before":{"customer_id":111,"store_id":1,"first_name":"RAYMOND","last_name":"DUNCAN",\
            "email":"RAYMOND.DUNCAN@sakilacustomer.org","address_id":115,"active":1,"create_date":1124279299000,\
            "last_update":"2024-03-01T05:40:31Z"},"after":null,"source":{"version":"1.9.8.Final",\
            "connector":"mysql","name":"mysql_binlog_source","ts_ms":1709271648000,"snapshot":"false",\
            "db":"sakila_it","sequence":null,"table":"customer","server_id":1,"gtid":null,\
            "file":"mysql-bin.000001","pos":-100,"row":0,"thread":0,"query":null},"op":"d",\
            "ts_ms":1709271648768,"transaction":null,"source_offset":{"transaction_id":null,\
            "ts_sec":1709271648,"file":"mysql-bin.000001","pos":604125,"row":1,"server_id":1,"event":3}}""";

    /** A MySQL 8 event read with the plain JsonDebeziumDeserializationSchema: no offset. */
    static final String MYSQL8_UPDATE_ADDRESS_WITHOUT_OFFSET =
            """
            {"before":{"address_id":378,"address":"1865 Garnet Boulevard","address2":"","district":"Karnataka",\
            "city_id":454,"postal_code":"34494","phone":"844169678","last_update":"2024-03-01T05:40:30Z"},\
            "after":{"address_id":378,"address":"711 Ridge Street","address2":"","district":"Karnataka",\
            "city_id":454,"postal_code":"34494","phone":"9428567456","last_update":"2024-03-01T05:40:48Z"},\
            "source":{"version":"1.9.8.Final","connector":"mysql","name":"mysql_binlog_source",\
            "ts_ms":1709271648000,"snapshot":"false","db":"sakila","sequence":null,"table":"address",\
            "server_id":1,"gtid":null,"file":"binlog.000007","pos":9120,"row":2,"thread":12,"query":null},\
            "op":"u","ts_ms":1709271648848,"transaction":null}""";

    static final String POSTGRES_SNAPSHOT_CUSTOMER =
            """
            {"before":null,"after":{"customer_id":599,"store_id":2,"first_name":"SARAH","last_name":"HARPER",\
            "email":"SARAH.HARPER@sakilacustomer.org","address_id":603,"activebool":true,"create_date":13130,\
            "last_update":1709271596588970,"active":1},"source":{"version":"1.9.8.Final",\
            "connector":"postgresql","name":"postgres_cdc_source","ts_ms":0,"snapshot":"false","db":"sakila_it",\
            "sequence":"[null,\\"0\\"]","schema":"public","table":"customer","txId":null,"lsn":0,"xmin":null},\
            "op":"r","ts_ms":1709271711773,"transaction":null,"source_offset":{"transaction_id":null,"lsn":0,\
            "ts_usec":1709271711773000}}""";

    static final String POSTGRES_UPDATE_CUSTOMER =
            """
            {"before":{"customer_id":395,"store_id":2,"first_name":"HEATHER","last_name":"TORRES",\
            "email":"HEATHER.TORRES@sakilacustomer.org","address_id":399,"activebool":true,"create_date":13139,\
            "last_update":1709271596588970,"active":1},"after":{"customer_id":395,"store_id":2,\
            "first_name":"HEATHER","last_name":"TORRES","email":"HEATHER.TORRES88@sakilacustomer.org",\
            "address_id":399,"activebool":false,"create_date":13139,"last_update":1709271720823727,"active":0},\
            "source":{"version":"1.9.8.Final","connector":"postgresql","name":"postgres_cdc_source",\
            "ts_ms":1709271720826,"snapshot":"false","db":"sakila_it","sequence":"[null,\\"25056976\\"]",\
            "schema":"public","table":"customer","txId":795,"lsn":25056976,"xmin":null},"op":"u",\
            "ts_ms":1709271721368,"transaction":null,"source_offset":{"transaction_id":null,\
            "lsn_proc":25056976,"lsn":25056976,"txId":795,"ts_usec":1709271720826917}}""";

    static final String POSTGRES_DELETE_CITY =
            """
            {"before":{"city_id":2,"city":"Albagrad","country_id":15,"last_update":1709271596588970},\
            "after":null,"source":{"version":"1.9.8.Final","connector":"postgresql","name":"postgres_cdc_source",\
            "ts_ms":1709271720860,"snapshot":"false","db":"sakila_it","sequence":"[\\"25066144\\",\\"25066256\\"]",\
            "schema":"public","table":"city","txId":813,"lsn":25066256,"xmin":null},"op":"d",\
            "ts_ms":1709271721397,"transaction":null}""";
}
