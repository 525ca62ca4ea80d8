package io.streamwarehouse.customer;

import java.util.List;

/**
 * Word lists for the generated sample data: common given names and surnames, country names, region
 * names and street words. Cities are composed from syllables so none of the original Sakila rows is
 * reproduced. Some words carry accents on purpose, so the pipeline is exercised with UTF-8 text.
 */
final class SakilaNames {

    private SakilaNames() {}

    static final List<String> FIRST_NAMES =
            List.of(
                    "MARY", "PATRICIA", "LINDA", "BARBARA", "ELIZABETH", "JENNIFER", "MARIA",
                    "SUSAN", "MARGARET", "DOROTHY", "LISA", "NANCY", "KAREN", "BETTY", "HELEN",
                    "SANDRA", "DONNA", "CAROL", "RUTH", "SHARON", "MICHELLE", "LAURA", "SARAH",
                    "KIMBERLY", "DEBORAH", "JESSICA", "SHIRLEY", "CYNTHIA", "ANGELA", "MELISSA",
                    "BRENDA", "AMY", "ANNA", "REBECCA", "VIRGINIA", "KATHLEEN", "PAMELA", "MARTHA",
                    "DEBRA", "AMANDA", "STEPHANIE", "CAROLYN", "CHRISTINE", "MARIE", "JANET",
                    "CATHERINE", "FRANCES", "ANN", "JOYCE", "DIANE", "ALICE", "JULIE", "HEATHER",
                    "TERESA", "DORIS", "GLORIA", "EVELYN", "JEAN", "CHERYL", "MILDRED", "JAMES",
                    "JOHN", "ROBERT", "MICHAEL", "WILLIAM", "DAVID", "RICHARD", "CHARLES",
                    "JOSEPH", "THOMAS", "CHRISTOPHER", "DANIEL", "PAUL", "MARK", "DONALD",
                    "GEORGE", "KENNETH", "STEVEN", "EDWARD", "BRIAN", "RONALD", "ANTHONY", "KEVIN",
                    "JASON", "MATTHEW", "GARY", "TIMOTHY", "JOSE", "LARRY", "JEFFREY", "FRANK",
                    "SCOTT", "ERIC", "STEPHEN", "ANDREW", "RAYMOND", "GREGORY", "JOSHUA", "JERRY",
                    "DENNIS", "WALTER", "PATRICK", "PETER", "HAROLD", "DOUGLAS", "HENRY", "CARL",
                    "ARTHUR", "RYAN", "ROGER", "JOE", "JUAN", "JACK", "ALBERT", "JONATHAN",
                    "JUSTIN", "TERRY", "GERALD", "KEITH", "SAMUEL", "WILLIE", "RALPH", "LAWRENCE",
                    "NICHOLAS", "ROY", "BENJAMIN", "BRUCE", "BRANDON", "ADAM", "HARRY", "FRED",
                    "WAYNE", "BILLY", "STEVE", "LOUIS", "JEREMY", "AARON", "RANDY", "HOWARD");

    static final List<String> LAST_NAMES =
            List.of(
                    "SMITH", "JOHNSON", "WILLIAMS", "JONES", "BROWN", "DAVIS", "MILLER", "WILSON",
                    "MOORE", "TAYLOR", "ANDERSON", "THOMAS", "JACKSON", "WHITE", "HARRIS",
                    "MARTIN", "THOMPSON", "GARCIA", "MARTINEZ", "ROBINSON", "CLARK", "RODRIGUEZ",
                    "LEWIS", "LEE", "WALKER", "HALL", "ALLEN", "YOUNG", "HERNANDEZ", "KING",
                    "WRIGHT", "LOPEZ", "HILL", "SCOTT", "GREEN", "ADAMS", "BAKER", "GONZALEZ",
                    "NELSON", "CARTER", "MITCHELL", "PEREZ", "ROBERTS", "TURNER", "PHILLIPS",
                    "CAMPBELL", "PARKER", "EVANS", "EDWARDS", "COLLINS", "STEWART", "SANCHEZ",
                    "MORRIS", "ROGERS", "REED", "COOK", "MORGAN", "BELL", "MURPHY", "BAILEY",
                    "RIVERA", "COOPER", "RICHARDSON", "COX", "HOWARD", "WARD", "TORRES",
                    "PETERSON", "GRAY", "RAMIREZ", "JAMES", "WATSON", "BROOKS", "KELLY",
                    "SANDERS", "PRICE", "BENNETT", "WOOD", "BARNES", "ROSS", "HENDERSON",
                    "COLEMAN", "JENKINS", "PERRY", "POWELL", "LONG", "PATTERSON", "HUGHES",
                    "FLORES", "WASHINGTON", "BUTLER", "SIMMONS", "FOSTER", "GONZALES", "BRYANT",
                    "ALEXANDER", "RUSSELL", "GRIFFIN", "DIAZ", "HAYES", "MYERS", "FORD",
                    "HAMILTON", "GRAHAM", "SULLIVAN", "WALLACE", "WOODS", "COLE", "WEST",
                    "JORDAN", "OWENS", "REYNOLDS", "FISHER", "ELLIS", "HARRISON", "GIBSON",
                    "MCDONALD", "CRUZ", "MARSHALL", "ORTIZ", "GOMEZ", "MURRAY", "FREEMAN",
                    "WELLS", "WEBB", "SIMPSON", "STEVENS", "TUCKER", "PORTER", "HUNTER", "HICKS",
                    "CRAWFORD", "HENRY", "BOYD", "MASON", "MORALES", "KENNEDY", "WARREN", "DIXON",
                    "RAMOS", "REYES", "BURNS", "GORDON", "SHAW", "HOLMES", "RICE", "ROBERTSON",
                    "HUNT", "BLACK", "DANIELS", "PALMER", "MILLS", "NICHOLS", "GRANT", "KNIGHT",
                    "FERGUSON", "ROSE", "STONE", "HAWKINS", "DUNN", "PERKINS", "HUDSON", "SPENCER",
                    "GARDNER", "STEPHENS", "PAYNE", "PIERCE", "BERRY", "MATTHEWS", "ARNOLD",
                    "WAGNER", "WILLIS", "RAY", "WATKINS", "OLSON", "CARROLL", "DUNCAN", "SNYDER",
                    "HART", "CUNNINGHAM", "BRADLEY", "LANE", "ANDREWS", "RUIZ", "HARPER", "FOX",
                    "RILEY", "ARMSTRONG", "CARPENTER", "WEAVER", "GREENE", "LAWRENCE", "ELLIOTT");

    static final List<String> COUNTRIES =
            List.of(
                    "Afghanistan", "Algeria", "Angola", "Argentina", "Armenia", "Australia",
                    "Austria", "Azerbaijan", "Bahrain", "Bangladesh", "Belarus", "Bolivia",
                    "Brazil", "Brunei", "Bulgaria", "Cambodia", "Cameroon", "Canada", "Chad",
                    "Chile", "China", "Colombia", "Congo", "Côte d'Ivoire", "Czechia", "Denmark",
                    "Dominican Republic", "Ecuador", "Egypt", "Estonia", "Ethiopia", "Finland",
                    "France", "Gambia", "Germany", "Ghana", "Greece", "Greenland", "Hungary",
                    "India", "Indonesia", "Iran", "Iraq", "Ireland", "Israel", "Italy", "Japan",
                    "Kazakhstan", "Kenya", "Kuwait", "Latvia", "Liechtenstein", "Lithuania",
                    "Madagascar", "Malawi", "Malaysia", "Mexico", "Moldova", "Morocco",
                    "Mozambique", "Myanmar", "Nauru", "Nepal", "Netherlands", "New Zealand",
                    "Nigeria", "North Korea", "Oman", "Pakistan", "Paraguay", "Peru",
                    "Philippines", "Poland", "Portugal", "Puerto Rico", "Romania", "Réunion",
                    "Russian Federation", "Saudi Arabia", "Senegal", "Slovakia", "South Africa",
                    "South Korea", "Spain", "Sri Lanka", "Sudan", "Sweden", "Switzerland",
                    "Taiwan", "Tanzania", "Thailand", "Tonga", "Tunisia", "Turkey",
                    "Turkmenistan", "Ukraine", "United Kingdom", "United States", "Venezuela",
                    "Vietnam", "Yemen", "Zambia");

    static final List<String> DISTRICTS =
            List.of(
                    "Alberta", "Aquitaine", "Attika", "Baden-Württemberg", "Bavaria", "Bihar",
                    "Buenos Aires", "California", "Cataluña", "Central Java", "Chiba", "Dhaka",
                    "East Java", "England", "Florida", "Fujian", "Gauteng", "Georgia", "Guangdong",
                    "Gujarat", "Hamburg", "Hebei", "Hokkaido", "Illinois", "Jalisco", "Kanagawa",
                    "Karnataka", "Kerala", "Lombardia", "Madhya Pradesh", "Maharashtra",
                    "Manitoba", "Mazowieckie", "Michigan", "Minas Gerais", "Nagano", "New South Wales",
                    "New York", "Noord-Holland", "Ohio", "Ontario", "Osaka", "Paraná", "Punjab",
                    "QLD", "Québec", "Rajasthan", "Rio de Janeiro", "Saitama", "São Paulo",
                    "Scotland", "Shandong", "Sichuan", "Skåne", "Tamil Nadu", "Texas", "Tokyo-to",
                    "Uttar Pradesh", "Valle", "Victoria", "West Bengal", "West Java", "Yunnan",
                    "Zuid-Holland", "Östergötland", "Île-de-France");

    static final List<String> STREET_WORDS =
            List.of(
                    "Acacia", "Alder", "Ashgrove", "Aspen", "Bayview", "Beacon", "Birch",
                    "Bramble", "Briar", "Cedar", "Chestnut", "Clover", "Coral", "Cypress",
                    "Dogwood", "Elm", "Fairview", "Fern", "Foxglove", "Garnet", "Glen", "Granite",
                    "Hawthorn", "Hazel", "Heather", "Hickory", "Highland", "Holly", "Ivy",
                    "Juniper", "Lakeside", "Laurel", "Linden", "Magnolia", "Maple", "Meadow",
                    "Mill", "Mulberry", "Oak", "Orchard", "Pine", "Poplar", "Quarry", "Redwood",
                    "Ridge", "River", "Rowan", "Sage", "Spruce", "Sycamore", "Thistle", "Valley",
                    "Walnut", "Willow", "Yew", "Córdoba", "Málaga", "Zürich", "Münster", "Ålesund",
                    "Łódź", "Kraków", "Göteborg", "Orléans", "Gdańsk", "Béziers", "Tromsø");

    static final List<String> STREET_SUFFIXES =
            List.of(
                    "Street", "Avenue", "Way", "Drive", "Boulevard", "Lane", "Parkway", "Road",
                    "Manor", "Place", "Loop", "Court", "Terrace", "Circle", "Square", "Alley");

    static final List<String> CITY_STARTS =
            List.of(
                    "Al", "An", "Ar", "Ba", "Bel", "Bor", "Ca", "Cor", "Da", "Del", "El", "Es",
                    "Fa", "Gal", "Ha", "Is", "Ka", "Kor", "La", "Lu", "Ma", "Mer", "Na", "Nor",
                    "Or", "Pa", "Por", "Ra", "Ro", "Sa", "San", "Ta", "Tor", "Va", "Ven", "Za");

    static final List<String> CITY_MIDDLES =
            List.of(
                    "", "", "ba", "da", "ga", "la", "li", "ma", "mi", "na", "ni", "ra", "ri",
                    "sa", "ta", "ve", "zo", "lo", "ne");

    static final List<String> CITY_ENDS =
            List.of(
                    "bad", "burg", "dale", "field", "ford", "grad", "ham", "haven", "mont",
                    "mouth", "polis", "pur", "sk", "stad", "ton", "ville", "wick", "ya", "na",
                    "ra", "ro", "ia", "os", "an", "el", "ur", "ino", "ama", "ene", "ota");
}
