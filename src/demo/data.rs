//! Names and places for a believable small ISP around Cimahi and Bandung.

pub const FIRST_NAMES: &[&str] = &[
    "Asep",
    "Dedi",
    "Dewi",
    "Siti",
    "Rina",
    "Budi",
    "Agus",
    "Yanti",
    "Ujang",
    "Euis",
    "Tatang",
    "Neneng",
    "Rizky",
    "Fajar",
    "Nurul",
    "Indra",
    "Wulan",
    "Hendra",
    "Iis",
    "Cecep",
    "Lina",
    "Dadang",
    "Ratna",
    "Yusuf",
    "Fitri",
    "Galih",
    "Intan",
    "Jajang",
    "Kurniasih",
    "Lukman",
    "Maya",
    "Nanang",
    "Oki",
    "Putri",
    "Rahmat",
    "Sari",
    "Teguh",
    "Ujang",
    "Vina",
    "Wawan",
];

pub const LAST_NAMES: &[&str] = &[
    "Suryana",
    "Hidayat",
    "Permana",
    "Nugraha",
    "Kusuma",
    "Saputra",
    "Setiawan",
    "Rahayu",
    "Supriatna",
    "Gunawan",
    "Hermawan",
    "Sulaeman",
    "Firmansyah",
    "Wijaya",
    "Ramdani",
    "Maulana",
    "Sopandi",
    "Kurniawan",
    "Lestari",
    "Pratama",
];

pub const STREETS: &[&str] = &[
    "Jl. Kolonel Masturi",
    "Jl. Amir Machmud",
    "Jl. Gatot Subroto",
    "Jl. Sriwijaya",
    "Jl. Encep Kartawiria",
    "Jl. Baros",
    "Jl. Cihanjuang",
    "Jl. Leuwigajah",
    "Jl. Melong Asih",
    "Jl. Pasantren",
];

/// (village, city, covered)
pub const AREAS: &[(&str, &str, bool)] = &[
    ("Cibabat", "Cimahi", true),
    ("Citeureup", "Cimahi", true),
    ("Cipageran", "Cimahi", true),
    ("Padasuka", "Cimahi", true),
    ("Baros", "Cimahi", true),
    ("Melong", "Cimahi", true),
    ("Cihanjuang", "Bandung Barat", false),
    ("Lembang", "Bandung Barat", false),
];

/// (name, down, up, price, features, published)
pub const PACKAGES: &[(&str, i64, i64, i64, &str, bool)] = &[
    (
        "Hemat 10",
        10,
        5,
        175_000,
        "Unlimited tanpa FUP\nRouter Wi-Fi dipinjamkan\nCocok untuk 2–3 perangkat",
        true,
    ),
    (
        "Rumah 20",
        20,
        10,
        250_000,
        "Unlimited tanpa FUP\nRouter Wi-Fi dual band\nCocok untuk 4–6 perangkat",
        true,
    ),
    (
        "Keluarga 30",
        30,
        15,
        330_000,
        "Unlimited tanpa FUP\nRouter Wi-Fi dual band\nPrioritas gangguan",
        true,
    ),
    (
        "Gamer 50",
        50,
        25,
        450_000,
        "Unlimited tanpa FUP\nLatensi rendah ke server game\nIP publik dinamis",
        true,
    ),
    (
        "Bisnis 100",
        100,
        50,
        850_000,
        "Unlimited tanpa FUP\nIP publik statis\nSLA perbaikan 4 jam",
        true,
    ),
    (
        "Lite 5",
        5,
        2,
        125_000,
        "Paket lama, tidak dijual lagi",
        false,
    ),
];

/// (name, notes, [(offer, mbps, price)])
pub const COMPETITORS: &[(&str, &str, &[(&str, i64, i64)])] = &[
    (
        "NetKilat",
        "Jaringan fiber baru, promo agresif di Cimahi Utara.",
        &[("Kilat 20", 20, 199_000), ("Kilat 50", 50, 349_000)],
    ),
    (
        "Sinyal Prima",
        "Wireless, murah tetapi sering gangguan saat hujan.",
        &[("Prima Hemat", 10, 150_000)],
    ),
    (
        "JagatNet",
        "Pemain nasional, layanan pelanggan lewat call center.",
        &[("Jagat 30", 30, 375_000), ("Jagat 100", 100, 900_000)],
    ),
];

pub const REJECT_REASONS: &[&str] = &[
    "Alamat di luar jangkauan tiang terdekat",
    "Data identitas tidak dapat dihubungi",
    "Pelanggan membatalkan sendiri",
];
