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

/// English features of the first packages (in the order of [`PACKAGES`]); the others have
/// none, so English readers see their Indonesian ones.
pub const FEATURES_EN: &[&str] = &[
    "Unlimited, no fair-use cap\nWi-Fi router on loan\nFor 2–3 devices",
    "Unlimited, no fair-use cap\nDual-band Wi-Fi router\nFor 4–6 devices",
    "Unlimited, no fair-use cap\nDual-band Wi-Fi router\nPriority repairs",
];

/// (offer, mbps, price)
type Offer = (&'static str, i64, i64);

/// (name, notes, offers)
pub const COMPETITORS: &[(&str, &str, &[Offer])] = &[
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

use crate::news::store::Kind;

/// (slug, title, summary, Markdown body, kind)
pub const POSTS: &[(&str, &str, &str, &str, Kind)] = &[
    (
        "jaringan-fiber-sampai-padasuka",
        "Jaringan fiber kini sampai Padasuka",
        "Warga Padasuka sekarang bisa berlangganan paket fiber kami.",
        "Mulai bulan ini jaringan fiber kami sudah menjangkau **Padasuka**. Cek alamat Anda di halaman *Cek jangkauan* lalu daftar online.",
        Kind::News,
    ),
    (
        "jadwal-pemeliharaan-malam",
        "Pemeliharaan jaringan Selasa malam",
        "Koneksi di Cibabat dan Citeureup terputus sebentar pukul 00.00–02.00 WIB.",
        "Kami melakukan pemeliharaan perangkat di **Cibabat** dan **Citeureup** pada Selasa pukul 00.00–02.00 WIB. Mohon maaf atas ketidaknyamanannya.",
        Kind::Announcement,
    ),
    (
        "tips-wifi-rumah",
        "5 tips agar Wi-Fi rumah tetap kencang",
        "Letak router, kanal, dan kata sandi yang kuat membuat internet lebih stabil.",
        "1. Letakkan router di tengah rumah.\n2. Jauhkan dari microwave.\n3. Pakai kata sandi yang kuat.\n4. Matikan perangkat yang tidak dipakai.\n5. Hubungi kami bila lampu LOS menyala merah.",
        Kind::News,
    ),
    (
        "kantor-buka-sabtu",
        "Kantor kini buka hari Sabtu",
        "Layanan pelanggan di kantor Cibabat buka Sabtu pukul 08.00–14.00 WIB.",
        "Untuk memudahkan pelanggan yang bekerja, kantor kami kini buka **Sabtu 08.00–14.00 WIB**.",
        Kind::Announcement,
    ),
    (
        "paket-gamer-50",
        "Paket baru: Gamer 50",
        "50 Mbps dengan latensi rendah untuk pemain game online.",
        "Paket **Gamer 50** hadir untuk pemain game: 50/25 Mbps, latensi rendah ke server game populer, Rp 450.000 per bulan.",
        Kind::News,
    ),
];

/// English (slug, title, summary, body) of some posts; the others stay Indonesian only.
pub const POSTS_EN: &[(&str, &str, &str, &str)] = &[
    (
        "jaringan-fiber-sampai-padasuka",
        "Our fibre network now reaches Padasuka",
        "Padasuka residents can now subscribe to our fibre packages.",
        "From this month our fibre network reaches **Padasuka**. Check your address on the *Coverage* page, then sign up online.",
    ),
    (
        "jadwal-pemeliharaan-malam",
        "Network maintenance on Tuesday night",
        "Connections in Cibabat and Citeureup drop briefly from 00:00 to 02:00 WIB.",
        "We are servicing equipment in **Cibabat** and **Citeureup** on Tuesday from 00:00 to 02:00 WIB. Sorry for the inconvenience.",
    ),
    (
        "paket-gamer-50",
        "New package: Gamer 50",
        "50 Mbps with low latency for online gamers.",
        "**Gamer 50** is here for gamers: 50/25 Mbps, low latency to popular game servers, Rp 450,000 a month.",
    ),
];

pub const REJECT_REASONS: &[&str] = &[
    "Alamat di luar jangkauan tiang terdekat",
    "Data identitas tidak dapat dihubungi",
    "Pelanggan membatalkan sendiri",
];
