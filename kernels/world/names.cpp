// Name pools per naming culture. Common given and family names are public facts; these lists
// were written for this project from general knowledge of each culture's frequent names and
// their usual romanizations (e.g. Pinyin vs Cantonese/Hokkien spellings of Chinese surnames,
// Ukrainian national vs Russian-style vs German transliterations, Gambian vs Senegalese spellings
// of Fula/Wolof names).
#include "kernels/world/names.hpp"

#include <array>
#include <stdexcept>
#include <unordered_map>

namespace ch::world {
namespace {

struct CultureData {
  std::string_view male, female, family;  // comma-separated
  std::string_view variants;              // "Canonical|variant|variant;..." (canonical in a pool)
  std::string_view email_domains;         // comma-separated
};

// clang-format off
constexpr CultureData kData[kCultureCount] = {
  // kArabic
  {"Mohammed,Ahmed,Ali,Omar,Khalid,Hassan,Hussein,Ibrahim,Youssef,Mahmoud,Mustafa,Abdullah,"
   "Abdulrahman,Samir,Tariq,Walid,Karim,Nabil,Rami,Fadi,Bilal,Hamza,Anas,Ammar,Osama,Majid,Faisal,"
   "Adel,Jamal,Saeed,Salim,Nasser,Ziad,Bassam,Hani,Imad,Marwan,Rashid,Sami,Yasser,Zaid,Ayman,"
   "Hisham,Munir,Raed,Tamer,Wael,Othman",
   "Fatima,Aisha,Maryam,Zainab,Nour,Layla,Huda,Rania,Amal,Hana,Salma,Yasmin,Samira,Lina,Rasha,"
   "Dalia,Reem,Noura,Mona,Sara,Asmaa,Khadija,Amina,Hiba,Dina,Rana,Suha,Ghada,Maha,Nadia,Wafaa,Iman,"
   "Jamila,Lubna,Manal,Najwa,Rima,Safaa,Soha,Taghreed,Widad,Zeina,Bushra",
   "Al-Hassan,Al-Khatib,Haddad,Khoury,Mansour,Nasser,Saleh,Ibrahim,Abdel Rahman,Hamdan,Al-Masri,"
   "Al-Ahmad,Al-Ali,Hussein,Yousef,Darwish,Qasim,Jaber,Khalil,Suleiman,Al-Shami,Al-Rifai,Barakat,"
   "Farah,Habib,Issa,Karam,Najjar,Othman,Rahal,Sabbagh,Shaheen,Tamimi,Al-Jabouri,Al-Obaidi,"
   "Al-Dulaimi,Kurdi,Hamoud,Abboud,Attar,Bakri,Diab,Ghanem,Hijazi,Jarrah,Matar,Sayegh",
   "Mohammed|Muhammad|Mohamed|Mohamad|Mohammad|Muhammed|Mohd;Ahmed|Ahmad|Ahmet|Ahmmed;"
   "Hussein|Husain|Hussain|Hossein|Husein|Houssein;Hassan|Hasan|Hassen;"
   "Youssef|Yusuf|Yousef|Yousif|Yusef|Youssif;Mahmoud|Mahmud|Mahmood;"
   "Mustafa|Mostafa|Moustafa|Mustapha;Abdullah|Abdallah|Abdulla|Abd Allah;"
   "Abdulrahman|Abdel Rahman|Abd al-Rahman|Abdul Rahman|Abderrahmane;Khalid|Khaled|Chalid;"
   "Omar|Umar|Omer;Tariq|Tarek|Tarik|Tareq;Walid|Waleed|Oualid;Karim|Kareem;"
   "Saeed|Said|Sayed|Saied;Salim|Saleem|Selim;Nasser|Nasir|Naser|Nacer;Faisal|Faysal|Feisal;"
   "Osama|Usama|Oussama;Hamza|Hamzah;Yasser|Yasir|Yaser;Zaid|Zayd|Zeid;Ayman|Aiman;"
   "Hisham|Hicham|Hesham;Raed|Ra'ed|Raid;Wael|Wail|Wa'il;Othman|Osman|Uthman|Usman|Ousmane;"
   "Ibrahim|Ebrahim|Ibraheem|Brahim;Majid|Majed|Madjid;Marwan|Merwan;Jamal|Gamal|Djamel;"
   "Fatima|Fatimah|Fatma|Fatema;Aisha|Aysha|Aïcha|Aicha|Ayesha;Maryam|Mariam|Meryem|Miriam;"
   "Zainab|Zaynab|Zeinab|Zenab;Nour|Noor|Nur;Layla|Leila|Laila|Leyla;Huda|Houda|Hoda;"
   "Yasmin|Yasmine|Jasmin|Yasmeen;Khadija|Khadijah|Khadidja|Kadija;Amina|Aminah|Ameena;"
   "Asmaa|Asma|Esma;Hiba|Heba|Hibah;Mona|Muna;Noura|Nura|Noora;Iman|Eman|Imane;Wafaa|Wafa;"
   "Safaa|Safa;Najwa|Nagwa;Rania|Raniya;Salma|Selma;"
   "Al-Hassan|Alhasan|El Hassan|Al Hassan|Al-Hasan|Elhassan;"
   "Al-Khatib|Alkhatib|El Khatib|El-Khatib|Al Khateeb;Khoury|Khouri|El Khoury|Al-Khoury;"
   "Mansour|Mansur|Mansoor;Saleh|Salih|Salah;"
   "Abdel Rahman|Abdelrahman|Abdul Rahman|Abd al-Rahman|Abdulrahman;"
   "Al-Masri|Almasri|El Masry|Al Masri;Al-Ahmad|Alahmad|Al Ahmad|El Ahmad;Al-Ali|Alali|Al Ali;"
   "Qasim|Kassem|Qassem|Kasim|Qassim;Jaber|Jabir|Gaber;"
   "Suleiman|Sulaiman|Soliman|Sleiman|Suleyman;Al-Shami|Alshami|El Shami;Shaheen|Shahin|Chahine;"
   "Hijazi|Hegazy|Hijazy|Higazi;Al-Jabouri|Al-Jubouri|Aljubouri|Al Jaburi;"
   "Al-Obaidi|Alobaidi|Al Ubaidi;Al-Dulaimi|Aldulaimi|Al Dulaimy;Hamoud|Hammoud|Hamud;"
   "Abboud|Aboud|Abbud;Darwish|Darweesh|Derwich;Ghanem|Ghanim|Ganem;Yousef|Youssef|Yusuf|Yousif;"
   "Al-Rifai|Alrifai|Al Rifaii|El Refaei;Khalil|Khaleel|Halil",
   "gmail.com,hotmail.com,yahoo.com,outlook.com"},
  // kSouthAsianMuslim (Pakistan, Afghanistan, Bangladesh)
  {"Muhammad,Ahmad,Ali,Imran,Asif,Bilal,Faisal,Hamid,Irfan,Javed,Kamran,Naveed,Rashid,Saad,Shahid,"
   "Tariq,Usman,Waqas,Zubair,Abdul Qadir,Farhan,Habib,Junaid,Khalid,Mohsin,Nadeem,Qasim,Rizwan,"
   "Sajid,Shoaib,Tahir,Yasir,Zahid,Mirwais,Najibullah,Rahmatullah,Hekmatullah,Zabihullah,"
   "Abdul Wahid,Abdul Karim,Mahbub,Habibur,Mizanur,Shafiqul,Rakibul,Tanvir,Arif,Sohail",
   "Ayesha,Fatima,Maryam,Sana,Hina,Nadia,Sadia,Rabia,Saima,Shazia,Amna,Bushra,Farah,Iqra,Khadija,"
   "Mahnoor,Nazia,Rukhsana,Samina,Tahira,Uzma,Zainab,Zarghona,Malalai,Parwana,Shabnam,Roya,"
   "Freshta,Nargis,Sabina,Taslima,Nasrin,Shirin,Rehana,Farzana,Shahnaz,Jannatul,Sumaiya,Afsana,"
   "Mahmuda,Sharmin,Kulsoom",
   "Khan,Ahmed,Hussain,Malik,Iqbal,Butt,Chaudhry,Qureshi,Raza,Shah,Akhtar,Aslam,Bhatti,Javed,"
   "Mirza,Rana,Sheikh,Siddiqui,Abbasi,Ansari,Awan,Baig,Hashmi,Kazmi,Ahmadi,Rahimi,Karimi,Hashimi,"
   "Safi,Popal,Noori,Sultani,Wardak,Zadran,Stanekzai,Amiri,Haidari,Mohammadi,Rahman,Hossain,"
   "Islam,Uddin,Chowdhury,Miah,Sarkar,Akter,Begum,Alam,Haque,Talukder",
   "Muhammad|Mohammed|Mohamed|Mohammad|Mohd|Muhammed|Mohamad;Ahmad|Ahmed|Ahmet;"
   "Usman|Osman|Othman|Uthman;Zubair|Zubayr|Zobair;Junaid|Junayd;Waqas|Waqqas|Vaqas;"
   "Yasir|Yasser|Yaser;Rizwan|Rizvan|Ridwan;Naveed|Navid|Naved;Shoaib|Shoeb|Shuaib;"
   "Abdul Qadir|Abdul Kadir|Abdulqadir|Abdelkader;Abdul Wahid|Abdulwahid|Abdul Waheed;"
   "Abdul Karim|Abdulkarim|Abdul Kareem;Mahbub|Mahboob|Mehboob;Habibur|Habibor|Habib-ur;"
   "Mizanur|Mizanor|Mizan-ur;Najibullah|Najib Ullah|Najeebullah;"
   "Rahmatullah|Rahmat Ullah|Rahmatulla;Hekmatullah|Hikmatullah|Hekmat Ullah;"
   "Zabihullah|Zabiullah|Zabihulla;Mirwais|Mir Wais|Mirways;Tanvir|Tanveer|Tanwir;"
   "Sohail|Suhail|Sohel;Ayesha|Aisha|Aysha|Aiysha;Sadia|Saadia|Sadiya;Farzana|Farzanah;"
   "Nasrin|Nasreen|Nesrin;Shirin|Shireen|Sherin;Rukhsana|Ruksana|Rukhsanah;"
   "Kulsoom|Kulsum|Kalsoom;Zarghona|Zarghuna;Freshta|Fereshta|Fereshteh;Parwana|Parvana;"
   "Sumaiya|Sumaya|Somaiya;Jannatul|Jannatun;Mahnoor|Mah Noor|Mahnur;"
   "Chaudhry|Chaudhary|Choudhry|Chaudhri|Chaudry;Qureshi|Kureshi|Quraishi|Qureishi;"
   "Hussain|Hussein|Husain|Hossain;Hossain|Hussain|Hosain|Hossen;Rahman|Rehman|Rahaman;"
   "Iqbal|Ikbal|Eqbal;Siddiqui|Siddiqi|Sidiqui|Siddique;Sheikh|Shaikh|Shaykh;"
   "Ahmadi|Ahmady|Ahmedi;Rahimi|Rahimy;Hashimi|Hashemi|Hashimy;Noori|Nouri|Nuri;"
   "Mohammadi|Mohamadi|Muhammadi;Uddin|Udin|Ud-Din|Uddeen;Akter|Akhter|Aktar;"
   "Akhtar|Akhter|Akthar;Begum|Begom|Bagum;Chowdhury|Choudhury|Chaudhuri|Chowdhary;"
   "Haque|Hoque|Huq|Haq;Stanekzai|Stanikzai|Stanakzai;Haidari|Haydari|Heidari;"
   "Miah|Mia|Mian;Talukder|Talukdar;Sultani|Soltani",
   "gmail.com,yahoo.com,hotmail.com,outlook.com"},
  // kSouthAsian (India, Nepal, Sri Lanka)
  {"Rajesh,Amit,Suresh,Ramesh,Vijay,Sanjay,Anil,Sunil,Rahul,Rohit,Arjun,Vikram,Deepak,Manoj,"
   "Pradeep,Harpreet,Gurpreet,Jaspreet,Manpreet,Sandeep,Kuldeep,Rajinder,Balwinder,Paramjit,Arun,"
   "Ravi,Kiran,Prakash,Naveen,Ganesh,Krishna,Srinivas,Venkatesh,Karthik,Mahesh,Dinesh,Bikash,"
   "Sagar,Bishnu,Ram,Hari,Nuwan,Chaminda,Kasun,Tharindu",
   "Priya,Anita,Sunita,Kavita,Pooja,Neha,Deepa,Asha,Lakshmi,Meena,Rekha,Geeta,Sita,Radha,Anjali,"
   "Divya,Shweta,Swati,Nisha,Ritu,Simran,Jasleen,Navneet,Gurleen,Kamaljit,Rajwinder,Sushma,Usha,"
   "Padma,Kamala,Shanti,Sarita,Bimala,Nirmala,Dilini,Nadeesha,Chathurika,Ishara,Madhavi,Lalitha,"
   "Parvati,Savitri",
   "Sharma,Singh,Kumar,Patel,Gupta,Verma,Reddy,Rao,Nair,Iyer,Menon,Pillai,Joshi,Mehta,Shah,Desai,"
   "Jain,Agarwal,Chopra,Kapoor,Malhotra,Bhatia,Sandhu,Sidhu,Dhillon,Grewal,Gill,Brar,Sekhon,"
   "Chauhan,Yadav,Mishra,Pandey,Tiwari,Dubey,Shrestha,Gurung,Tamang,Thapa,Rai,Magar,Adhikari,"
   "Karki,Perera,Fernando,Silva,Jayasinghe,Wickramasinghe,Bandara,Srinivasan,Krishnan",
   "Srinivas|Shrinivas|Sreenivas|Srinivasa;Lakshmi|Laxmi|Lakshmy|Luxmi;"
   "Gurpreet|Gurprit|Gurpreeth;Harpreet|Harprit;Jaspreet|Jasprit;Manpreet|Manprit;"
   "Rajinder|Rajender|Rajindar|Rajendra;Balwinder|Balvinder|Balwindar;Paramjit|Paramjeet;"
   "Kuldeep|Kuldip;Sandeep|Sandip;Pradeep|Pradip;Deepak|Dipak;Sanjay|Sanjai;Vijay|Vijai;"
   "Krishna|Krishan|Krisna;Bishnu|Vishnu;Bikash|Vikash|Vikas;Kavita|Kavitha;"
   "Sunita|Suneeta|Sunitha;Geeta|Gita|Geetha;Sita|Seeta|Seetha;Deepa|Dipa;Priya|Pria;"
   "Rajwinder|Rajvinder;Kamaljit|Kamaljeet;Karthik|Kartik|Karthick;Venkatesh|Venkatesan;"
   "Shrestha|Shreshtha|Srestha;Chauhan|Chouhan|Chohan;Agarwal|Aggarwal|Agrawal;"
   "Srinivasan|Shrinivasan|Sreenivasan;Jayasinghe|Jayasingha|Jayasinha;"
   "Wickramasinghe|Wickremesinghe|Wikramasinghe;Pillai|Pillay;Iyer|Aiyar;Sandhu|Sandu;"
   "Sidhu|Siddhu;Dhillon|Dhilon;Malhotra|Malhothra;Upadhyay|Upadhyaya;Kapoor|Kapur",
   "gmail.com,yahoo.co.in,rediffmail.com,hotmail.com"},
  // kWestAfrican (Nigeria, Ghana, Senegal, Guinea, Côte d'Ivoire, Gambia)
  {"Chukwuemeka,Emeka,Oluwaseun,Olumide,Adebayo,Babatunde,Tunde,Chinedu,Ikenna,Obinna,Uche,"
   "Ifeanyi,Musa,Abdullahi,Aliyu,Kwame,Kofi,Kwabena,Kwaku,Yaw,Kojo,Kwesi,Mamadou,Moussa,"
   "Abdoulaye,Ousmane,Cheikh,Ibrahima,Modou,Lamine,Alassane,Boubacar,Souleymane,Seydou,Amadou,"
   "Sekou,Lansana,Alpha,Ebrima,Babacar,Samba,Daouda,Idrissa",
   "Ngozi,Chioma,Adaeze,Chinwe,Nkechi,Amaka,Ifeoma,Funmilayo,Folake,Yetunde,Bukola,Titilayo,"
   "Omolara,Hauwa,Halima,Abena,Akosua,Ama,Afua,Yaa,Adwoa,Efua,Esi,Akua,Aminata,Fatou,Awa,"
   "Mariama,Aissatou,Khady,Ndeye,Coumba,Rokhaya,Binta,Oumou,Kadiatou,Isatou,Fatoumata,Adama,"
   "Mame,Sokhna",
   "Okafor,Okonkwo,Eze,Nwosu,Obi,Okeke,Nwachukwu,Adeyemi,Adebayo,Ogunleye,Olawale,Balogun,Bello,"
   "Abubakar,Mohammed,Danjuma,Ibekwe,Chukwu,Mensah,Owusu,Boateng,Asante,Osei,Appiah,Agyeman,Ofori,"
   "Amoah,Darko,Addo,Diallo,Ndiaye,Diop,Fall,Sow,Ba,Gueye,Faye,Sarr,Cissé,Camara,Touré,Traoré,"
   "Keita,Konaté,Bah,Barry,Sylla,Ceesay,Bojang,Kouassi,Kouamé,Coulibaly",
   "Mamadou|Mamadu|Mamudu|Mahamadou;Moussa|Musa|Mousa;Musa|Moussa|Mousa;"
   "Abdoulaye|Abdulai|Abdoulie|Abdulaye;Abdullahi|Abdullah|Abdulahi;"
   "Ousmane|Usman|Osman|Ousman;Ibrahima|Ibrahim|Ebrima|Brahima;Ebrima|Ibrahima|Ebrahima;"
   "Cheikh|Sheikh|Cheick|Shaikh;Lamine|Lamin|Al-Amin;Amadou|Ahmadou|Amadu;"
   "Boubacar|Abubakar|Bubacarr|Aboubacar;Souleymane|Suleiman|Sulayman|Soulemane|Sulaiman;"
   "Seydou|Saidou|Seidu;Sekou|Sékou|Sekuba;Idrissa|Idris|Driss;Modou|Momodou|Modu;"
   "Kwaku|Kweku|Kwaaku;Kwesi|Kwasi|Kwessi;Kojo|Kodjo|Cudjoe;Kwabena|Kobina|Kwabina;"
   "Chukwuemeka|Chukwu Emeka|Chukuemeka;Oluwaseun|Oluwasegun|Seun;Babatunde|Babtunde;"
   "Aminata|Aminatta|Aminatou;Fatou|Fatu;Fatoumata|Fatumata|Fatimata|Fatumatta;"
   "Mariama|Mariam|Mariame|Maryama;Aissatou|Aïssatou|Aisatou|Aishatu;Hauwa|Hawa|Awa;"
   "Kadiatou|Khadijatou|Kadijatu;Isatou|Isatu|Aissatou;Ndeye|N'Deye|Ndey;"
   "Diallo|Jallow|Djalo|Jalloh;Ndiaye|N'Diaye|Njie|Ndiay;Diop|Jobe|Diope;Gueye|Gaye|Guèye;"
   "Cissé|Cisse|Ceesay|Sisay;Ceesay|Cissé|Sisay|Cisse;Touré|Toure|Turay|Touray;"
   "Traoré|Traore|Tarawally|Trawally;Keita|Keïta|Kaita;Camara|Kamara;Konaté|Konate|Conateh;"
   "Sow|Sowe|Sou;Bah|Ba|Baa;Sylla|Silla|Sillah;Coulibaly|Kulibali|Koulibaly;"
   "Abubakar|Aboubakar|Abubakr;Mohammed|Muhammad|Mohamed|Muhammed;Owusu|Owusuwaa;"
   "Mensah|Mensa",
   "gmail.com,yahoo.com,yahoo.fr,hotmail.com,orange.sn"},
  // kHornOfAfrica (Eritrea, Ethiopia; patronymics used as family names)
  {"Tesfay,Tesfaye,Yonas,Dawit,Daniel,Samuel,Yohannes,Mehari,Kidane,Berhane,Haile,Gebremedhin,"
   "Tekle,Amanuel,Filmon,Michael,Robel,Semere,Biniam,Henok,Efrem,Kibrom,Abel,Natnael,Mulugeta,"
   "Abraham,Solomon,Tewolde,Ghirmay,Habte,Ermias,Fitsum,Merhawi,Senai,Tsegay,Goitom,Berhe,Araya,"
   "Weldu,Tedros,Yared,Girma,Alemayehu,Getachew,Bereket",
   "Senait,Helen,Selam,Ruth,Lydia,Hiwet,Mebrat,Tsega,Freweini,Saba,Winta,Eden,Feven,Semhar,Luwam,"
   "Hanna,Mekdes,Meron,Selamawit,Tigist,Almaz,Abeba,Azeb,Birtukan,Genet,Hirut,Kidist,Mahlet,Rahel,"
   "Tirhas,Yordanos,Aster,Elsa,Ariam,Danait,Eyerusalem,Haben,Lemlem,Meaza,Nardos,Rigat,Selome",
   "Tesfay,Kidane,Berhane,Haile,Gebremariam,Gebreyesus,Tekle,Tesfamariam,Woldemichael,"
   "Ghebremedhin,Habtemariam,Mehari,Asfaha,Yohannes,Kahsay,Weldemariam,Tsegai,Abraha,Negash,"
   "Mebrahtu,Andemariam,Ghebreyohannes,Haileselassie,Okbamichael,Zerai,Alemu,Bekele,Tadesse,"
   "Kebede,Getachew,Girma,Desta,Mengistu,Tesfaye,Wolde,Abebe,Assefa,Hailu,Gebre,Lemma,Worku,"
   "Demissie,Tilahun",
   "Tesfay|Tesfai|Tesfaye;Yohannes|Yohanes|Johannes|Yohanis;Gebremariam|Ghebremariam|Gebre Mariam|"
   "Gebremaryam;Woldemichael|Weldemichael|Wolde Michael|Woldemikael;"
   "Ghebremedhin|Gebremedhin|Gebre Medhin;Gebremedhin|Ghebremedhin|Gebre Medhin;"
   "Tsegai|Tsegay|Tsegaye;Tsegay|Tsegai|Tsegaye;Habtemariam|Habte Mariam|Habtemaryam;"
   "Kahsay|Kahsai;Mehari|Mehary;Berhane|Berhani|Birhane;Ghirmay|Girmay|Ghirmai;"
   "Gebreyesus|Ghebreyesus|Gebre Yesus;Tesfamariam|Tesfa Mariam|Tesfamaryam;"
   "Weldemariam|Woldemariam|Welde Mariam;Ghebreyohannes|Gebreyohannes|Gebre Yohannes;"
   "Haileselassie|Haile Selassie|Hayleselassie;Okbamichael|Okba Michael|Ukbamichael;"
   "Filmon|Philmon|Filimon;Biniam|Biniyam|Binyam;Henok|Henock|Enoch;Efrem|Ephrem|Efrem;"
   "Amanuel|Emmanuel|Amanual;Semere|Semre;Merhawi|Merhawie;Senait|Senayt;Hiwet|Hewet;"
   "Freweini|Frewoini;Eyerusalem|Yerusalem|Jerusalem;Selamawit|Selamawite",
   "gmail.com,yahoo.com,hotmail.com"},
  // kLatinAmerican
  {"José,Juan,Carlos,Luis,Jorge,Miguel,Pedro,Andrés,Diego,Javier,Alejandro,Fernando,Ricardo,"
   "Eduardo,Manuel,Francisco,Daniel,David,Santiago,Sebastián,Mateo,Nicolás,Gabriel,Julián,Camilo,"
   "Felipe,Óscar,Raúl,Sergio,Víctor,Héctor,Jesús,Rafael,Mauricio,Wilmer,Jhon,Edwin,Fabián,"
   "Gustavo,Hernán,Iván,Jairo,Leonardo,Mario,Orlando,Rubén,Wilson,Yeison",
   "María,Ana,Luisa,Carmen,Rosa,Patricia,Claudia,Sandra,Gloria,Martha,Diana,Paola,Andrea,Carolina,"
   "Catalina,Daniela,Valentina,Camila,Natalia,Laura,Juliana,Alejandra,Gabriela,Mariana,Sofía,"
   "Isabella,Lucía,Verónica,Adriana,Liliana,Marisol,Yolanda,Beatriz,Leidy,Yuliana,Johana,Ximena,"
   "Fernanda,Guadalupe,Rocío,Mónica,Ángela,Esperanza",
   "García,Rodríguez,Martínez,López,González,Hernández,Pérez,Sánchez,Ramírez,Torres,Flores,"
   "Rivera,Gómez,Díaz,Reyes,Morales,Cruz,Ortiz,Gutiérrez,Chávez,Ramos,Ruiz,Jiménez,Mendoza,"
   "Vargas,Castillo,Romero,Herrera,Medina,Aguilar,Moreno,Muñoz,Rojas,Castro,Vásquez,Suárez,"
   "Cárdenas,Ospina,Restrepo,Zambrano,Quintero,Cedeño,Mosquera,Valencia,Salazar,Guerrero,Peña,"
   "Carvajal,Velásquez",
   "José|Jose|Josep;Jhon|John|Jon|Jhonn;Yeison|Jason|Yeisson;Wilmer|Wilmar|Wilmer;"
   "Jesús|Jesus|Jesu;Sofía|Sofia|Sophia;Leidy|Lady|Leydi;Johana|Johanna|Yohana|Yojana;"
   "Ximena|Jimena|Chimena;Yuliana|Juliana|Yulyana;Martha|Marta;Isabella|Isabela;"
   "González|Gonzalez|Gonzales;Vásquez|Vasquez|Vázquez|Vazquez;"
   "Velásquez|Velasquez|Velázquez|Velazquez;Gutiérrez|Gutierrez|Gutierres;"
   "Jiménez|Jimenez|Giménez|Gimenez;Chávez|Chavez|Chaves;Suárez|Suarez|Soares;"
   "Ramírez|Ramirez|Ramires;Rodríguez|Rodriguez|Rodrigues;Hernández|Hernandez|Fernandez;"
   "Pérez|Perez|Peres;Muñoz|Munoz|Munhoz;Cedeño|Cedeno|Sedeño;Peña|Pena|Penha",
   "gmail.com,hotmail.com,yahoo.es,outlook.com"},
  // kEastEuropean (Ukraine, Russia, Belarus, Moldova, Poland)
  {"Oleksandr,Serhiy,Andriy,Dmytro,Mykola,Volodymyr,Yuriy,Ivan,Petro,Vasyl,Taras,Bohdan,Maksym,"
   "Artem,Denys,Oleh,Ihor,Vitaliy,Roman,Pavlo,Viktor,Anatoliy,Mykhailo,Yevhen,Stanislav,Vladimir,"
   "Sergei,Dmitry,Alexei,Nikolai,Mikhail,Pavel,Andrei,Igor,Oleg,Konstantin,Maxim,Łukasz,Piotr,"
   "Krzysztof,Tomasz,Paweł,Michał,Marcin,Grzegorz,Jakub,Wojciech,Mateusz",
   "Olena,Oksana,Tetiana,Nataliia,Iryna,Svitlana,Yulia,Kateryna,Halyna,Liudmyla,Olha,Mariia,"
   "Anastasiia,Viktoriia,Alina,Daria,Yana,Valentyna,Larysa,Nadiya,Tatyana,Natalya,Irina,Svetlana,"
   "Yekaterina,Galina,Lyudmila,Olga,Marina,Elena,Anna,Agnieszka,Katarzyna,Małgorzata,Magdalena,"
   "Joanna,Monika,Barbara,Ewa,Aleksandra,Zofia,Dorota",
   "Kovalenko,Shevchenko,Bondarenko,Tkachenko,Kravchenko,Melnyk,Boyko,Kovalchuk,Oliynyk,Shevchuk,"
   "Polishchuk,Lysenko,Marchenko,Savchenko,Rudenko,Moroz,Petrenko,Klymenko,Pavlenko,Ivanenko,"
   "Ivanov,Petrov,Smirnov,Kuznetsov,Popov,Sokolov,Volkov,Morozov,Novikov,Fedorov,Lebedev,Kozlov,"
   "Nowak,Kowalski,Wiśniewski,Wójcik,Kowalczyk,Kamiński,Lewandowski,Zieliński,Szymański,"
   "Woźniak,Dąbrowski,Kozłowski,Jankowski,Mazur,Krawczyk,Sidorenko,Hrytsenko,Zhuk",
   "Oleksandr|Olexandr|Aleksandr|Alexander|Oleksander|Olexander;"
   "Serhiy|Serhii|Sergiy|Sergey|Sergei|Serguei;Andriy|Andrii|Andrey|Andrei;"
   "Dmytro|Dmitry|Dmitri|Dmitriy;Mykola|Nikolai|Nikolay|Mikola;Volodymyr|Vladimir|Wolodymyr;"
   "Yuriy|Yurii|Iurii|Yuri|Yury;Mykhailo|Mikhail|Mykhaylo|Michail;"
   "Yevhen|Yevgeny|Evgeny|Evgenii|Ievgen;Vitaliy|Vitalii|Vitaly;Anatoliy|Anatolii|Anatoly;"
   "Oleh|Oleg;Ihor|Igor;Pavlo|Pavel;Petro|Pyotr|Petr;Vasyl|Vasily|Vasiliy|Wasyl;"
   "Maksym|Maxim|Maksim;Denys|Denis;Artem|Artyom|Artiom;Bohdan|Bogdan;Taras|Tarass;"
   "Sergei|Sergey|Serguei|Serhiy;Dmitry|Dmitri|Dmitriy|Dmytro;Alexei|Aleksei|Alexey|Oleksiy;"
   "Nikolai|Nikolay|Mykola;Mikhail|Michail|Mykhailo;Andrei|Andrey|Andriy;Maxim|Maksim|Maksym;"
   "Konstantin|Kostiantyn|Constantin;Vladimir|Volodymyr|Wladimir;"
   "Olena|Elena|Yelena|Helena;Tetiana|Tatiana|Tatyana|Tetyana;"
   "Nataliia|Natalia|Natalya|Nataliya;Yulia|Yuliia|Julia|Iuliia|Yuliya;"
   "Kateryna|Ekaterina|Yekaterina|Katerina;Halyna|Galina|Halina;"
   "Liudmyla|Lyudmila|Ludmila|Liudmila;Olha|Olga;Mariia|Mariya|Maria;"
   "Anastasiia|Anastasia|Anastasiya;Viktoriia|Viktoria|Victoria|Viktoriya;Daria|Dariia|Darya;"
   "Valentyna|Valentina;Larysa|Larisa;Nadiya|Nadia|Nadija;Iryna|Irina;Svitlana|Svetlana;"
   "Tatyana|Tatiana|Tetiana;Natalya|Natalia|Nataliia;Irina|Iryna;Svetlana|Svitlana;"
   "Yekaterina|Ekaterina|Kateryna;Galina|Halyna;Lyudmila|Ludmila|Liudmyla;Olga|Olha;"
   "Elena|Yelena|Olena;Oksana|Oxana;Łukasz|Lukasz|Lucas;Piotr|Pyotr|Petr;Paweł|Pawel|Pavel;"
   "Michał|Michal|Mikhal;Wojciech|Wojtek;Grzegorz|Gregorz;Małgorzata|Malgorzata|Margorzata;"
   "Agnieszka|Agneszka;Katarzyna|Katazyna|Katarina;"
   "Kovalenko|Kowalenko|Kovalenco;Shevchenko|Schewtschenko|Chevtchenko|Shevchenco;"
   "Tkachenko|Tkatchenko|Tkachenco;Kravchenko|Krawtschenko|Kravtchenko;Melnyk|Melnik|Melnick;"
   "Oliynyk|Oliinyk|Olejnik;Kovalchuk|Kowalczuk|Kovaltchuk;Polishchuk|Polischuk|Polishuk;"
   "Savchenko|Sawtschenko|Savtchenko;Ivanov|Iwanow|Ivanoff;Petrov|Petroff|Pietrov;"
   "Smirnov|Smirnoff;Kuznetsov|Kuznetzov|Kusnezow;Popov|Popoff|Popow;Sokolov|Sokolow;"
   "Volkov|Wolkow|Volkoff;Morozov|Morosow;Novikov|Nowikow;Fedorov|Fyodorov|Fiodorov;"
   "Lebedev|Lebedew;Kozlov|Kozlow;Zhuk|Zuk|Schuk;Hrytsenko|Gritsenko|Hritsenko;"
   "Klymenko|Klimenko;Lysenko|Lisenko|Lyssenko;Boyko|Boiko|Bojko;Nowak|Novak;"
   "Kowalski|Kovalski|Kowalsky;Wójcik|Wojcik|Voytsik;Mazur|Masur",
   "gmail.com,ukr.net,mail.ru,yandex.ru,wp.pl,o2.pl"},
  // kChinese (Pinyin as canonical; Cantonese/Hokkien/Wade-Giles spellings as variants)
  {"Wei,Jun,Hao,Lei,Qiang,Jie,Tao,Ming,Yong,Jian,Bin,Chao,Gang,Hui,Long,Peng,Xin,Yang,Yi,Zhen,"
   "Zhiwei,Zhiqiang,Jianguo,Jianhua,Guoqiang,Haitao,Xiaoming,Xiaolong,Wenjie,Yuxuan,Zihao,Haoran,"
   "Junjie,Kai,Liang,Ning,Feng,Dong,Bo,Cheng,Zhihao,Jiahao,Yifan",
   "Fang,Min,Jing,Li,Ying,Yan,Hua,Xiuying,Mei,Lan,Hong,Juan,Na,Xia,Yun,Ping,Qing,Xiaoyan,Xiaohong,"
   "Lili,Jingjing,Tingting,Yuting,Xinyi,Zihan,Yutong,Meiling,Shufen,Huimin,Jiayi,Ruoxi,Shiyu,"
   "Wenjing,Xue,Yuqi,Qian,Dan,Jia,Rui,Xiaoli,Ling,Chun",
   "Zhang,Wang,Li,Liu,Chen,Yang,Huang,Zhao,Wu,Zhou,Xu,Sun,Ma,Zhu,Hu,Guo,He,Lin,Gao,Luo,Zheng,"
   "Liang,Xie,Song,Tang,Han,Feng,Deng,Cao,Peng,Zeng,Xiao,Tian,Dong,Pan,Yuan,Cai,Jiang,Yu,Du,Ye,"
   "Cheng,Wei,Su,Lu,Ding,Ren,Shen,Yao",
   "Zhang|Chang|Cheung|Chong;Wang|Wong|Ong;Li|Lee|Lei|Lie;Liu|Lau|Lao|Low;Chen|Chan|Tan|Chin;"
   "Huang|Hwang|Wong|Ng;Zhou|Chow|Chau|Chou;Xu|Hsu|Tsui|Hui;Zhao|Chao|Chiu|Chew;"
   "Lin|Lam|Lim|Ling;Zheng|Cheng|Chang|Tay;Guo|Kwok|Kuo|Kok;He|Ho|Hoh;Gao|Ko|Kao|Koh;"
   "Luo|Law|Lo|Loh;Liang|Leung|Leong;Xie|Tse|Hsieh|Chia;Tang|Tong|Thong;Deng|Tang|Teng;"
   "Cai|Tsai|Choi|Chua;Wu|Ng|Woo|Goh;Hu|Woo|Foo;Yang|Yeung|Yeo|Young;Zhu|Chu|Gee;"
   "Sun|Suen|Soon;Ma|Mah|Beh;Song|Sung|Soong;Feng|Fung|Foong;Su|Soo|So;Ye|Yip|Yeh|Ip;"
   "Yu|Yue|Yee|Ee;Jiang|Chiang|Kong;Wei|Ngai|Wai;Cao|Tso|Cho;Du|Tu|To;Lu|Loo|Lou;"
   "Shen|Shum|Sim;Ding|Ting;Xiao|Siu|Hsiao;Cheng|Ching|Seng;Pan|Poon|Phua;Yuan|Yuen|Guan;"
   "Zeng|Tsang|Chan;Peng|Pang|Phang;Tian|Tin|Tien;Han|Hon|Hang;Ren|Yan|Jen;Yao|Yiu|Iu;"
   "Xiuying|Xiu Ying|Siu Ying|Hsiu-ying;Meiling|Mei Ling|Mei-Ling|May Ling;"
   "Jianguo|Jian Guo|Jian-Guo|Kin Kwok;Zhiwei|Zhi Wei|Chi Wai|Chih-wei;"
   "Jianhua|Jian Hua|Kin Wah;Guoqiang|Guo Qiang|Kwok Keung;Xiaoming|Xiao Ming|Siu Ming;"
   "Xiaolong|Xiao Long|Siu Lung;Zhiqiang|Zhi Qiang|Chi Keung;Haitao|Hai Tao;Wenjie|Wen Jie;"
   "Shufen|Shu Fen|Shu-fen|Suk Fan;Huimin|Hui Min|Wai Man;Wei|Wai;Ming|Meng;Jun|Chun|Tsun;"
   "Qiang|Keung|Chiang;Jie|Kit|Chieh;Hui|Wai|Fei;Yong|Wing|Yung;Jian|Kin|Chien;"
   "Xiaoyan|Xiao Yan|Siu Yin;Xiaohong|Xiao Hong|Siu Hung;Lili|Li Li|Lee Lee;"
   "Jingjing|Jing Jing|Ching Ching;Tingting|Ting Ting",
   "qq.com,163.com,126.com,sina.com,gmail.com"},
  // kVietnamese (given names include the middle name, as on Vietnamese passports)
  {"Văn Hùng,Văn Minh,Văn Nam,Văn Thành,Văn Long,Văn Dũng,Văn Tuấn,Đức Anh,Đức Minh,Đức Thắng,"
   "Minh Tuấn,Quốc Bảo,Quang Huy,Hoàng Nam,Thanh Tùng,Tiến Dũng,Hữu Phước,Công Phượng,Mạnh Cường,"
   "Xuân Trường,Gia Huy,Minh Khang,Bảo Long,Tuấn Anh,Hải Đăng,Trung Kiên,Văn Hải,Văn Toàn,"
   "Văn Quyết,Đình Trọng,Ngọc Hải,Thế Anh,Văn Lâm,Hồng Sơn,Việt Hoàng,Duy Mạnh,Anh Tú,Quang Hải,"
   "Văn Đức,Hữu Thắng",
   "Thị Lan,Thị Hương,Thị Mai,Thị Hoa,Thị Hằng,Thị Thu,Thị Ngọc,Thị Thảo,Thị Linh,Thị Nga,Thị Hà,"
   "Thị Phương,Thị Trang,Thị Yến,Thị Nhung,Ngọc Anh,Thu Trang,Thanh Hương,Minh Anh,Phương Linh,"
   "Bảo Ngọc,Khánh Linh,Thùy Dung,Hồng Nhung,Mai Anh,Ngọc Lan,Kim Ngân,Thu Hà,Diệu Linh,Quỳnh Anh,"
   "Hải Yến,Thanh Thảo,Bích Ngọc,Minh Thư,Tuyết Mai,Kim Chi,Hoài Thương,Lan Anh,Thúy Hằng,"
   "Ánh Tuyết",
   "Nguyễn,Trần,Lê,Phạm,Hoàng,Huỳnh,Phan,Vũ,Võ,Đặng,Bùi,Đỗ,Hồ,Ngô,Dương,Lý,Đinh,Trịnh,Mai,Lâm,"
   "Đoàn,Tô,Hà,Cao,Lưu,Tạ,Châu,Quách,Lương,Kiều,Thái,Vương,Triệu,La,Chu,Phùng,Tăng,Lục,Doãn,Khổng,"
   "Thân,Diệp",
   "Nguyễn|Nguyen|Nguyên|Ngyuen|Nguyem;Trần|Tran|Tranh;Phạm|Pham|Fam;Hoàng|Hoang|Huang;"
   "Huỳnh|Huynh|Hyunh;Vũ|Vu|Vo;Võ|Vo|Vu;Đặng|Dang|Dhang;Đỗ|Do|Doan;Dương|Duong|Duong;"
   "Trịnh|Trinh|Chinh;Văn Hùng|Van Hung|Vanhung|Van-Hung;Đức Anh|Duc Anh|Ducanh;"
   "Thị Lan|Thi Lan|Thilan;Thị Hương|Thi Huong|Thihuong;Ngọc Anh|Ngoc Anh|Ngocanh",
   "gmail.com,yahoo.com.vn,hotmail.com"},
  // kAnglo
  {"James,John,Robert,Michael,William,David,Richard,Joseph,Thomas,Charles,Christopher,Daniel,"
   "Matthew,Anthony,Mark,Steven,Paul,Andrew,Joshua,Kevin,Brian,George,Edward,Ryan,Jacob,Gary,"
   "Nicholas,Eric,Jonathan,Stephen,Peter,Oliver,Harry,Jack,Samuel,Benjamin,Liam,Connor,Sean,"
   "Patrick,Aidan,Luke,Nathan,Adam,Simon",
   "Mary,Patricia,Jennifer,Linda,Elizabeth,Barbara,Susan,Jessica,Sarah,Karen,Lisa,Nancy,Margaret,"
   "Emily,Emma,Olivia,Sophie,Charlotte,Amelia,Hannah,Rachel,Rebecca,Laura,Claire,Helen,Catherine,"
   "Victoria,Megan,Lucy,Chloe,Grace,Jane,Anne,Amy,Nicola,Kelly,Siobhan,Aoife,Niamh,Ashley,Amanda,"
   "Michelle,Heather,Kimberly",
   "Smith,Johnson,Williams,Brown,Jones,Miller,Davis,Wilson,Anderson,Taylor,Thomas,Moore,Jackson,"
   "Martin,Thompson,White,Harris,Clark,Lewis,Robinson,Walker,Young,Allen,Wright,Scott,Green,Baker,"
   "Adams,Nelson,Hill,Campbell,Mitchell,Roberts,Carter,Phillips,Evans,Turner,Parker,Collins,"
   "Edwards,Stewart,Morris,Murphy,Cook,Rogers,O'Brien,O'Connor,Kelly,Walsh,Byrne,Ryan,MacDonald,"
   "McCarthy,Hughes",
   "Catherine|Katherine|Kathryn|Catharine;Stephen|Steven|Stephan;Steven|Stephen|Stevan;"
   "Jonathan|Johnathan|Jonathon;Sean|Shaun|Shawn;Aidan|Aiden|Aedan;Rebecca|Rebekah|Rebeca;"
   "Sarah|Sara;Hannah|Hanna;Megan|Meghan|Meagan;Nicola|Nichola;Ashley|Ashleigh;"
   "Jacob|Jakob;Nicholas|Nicolas|Nickolas;Eric|Erik;Philip|Phillip;Elizabeth|Elisabeth;"
   "Jessica|Jesica;Kimberly|Kimberley;Chloe|Chloé;Siobhan|Shivaun|Chevonne;Niamh|Neve|Neeve;"
   "Aoife|Eefa;MacDonald|McDonald|Macdonald|Mc Donald;O'Brien|OBrien|O Brien|O’Brien;"
   "O'Connor|OConnor|O Connor|O’Connor;Phillips|Philips;Thompson|Thomson;Clark|Clarke;"
   "McCarthy|MacCarthy|Mc Carthy;Byrne|Burn|Byrnes;Walsh|Welsh",
   "gmail.com,outlook.com,yahoo.com,hotmail.co.uk,icloud.com"},
  // kWestEuropean
  {"Lukas,Maximilian,Jonas,Felix,Tobias,Stefan,Jürgen,Klaus,Uwe,Dieter,Sébastien,François,"
   "Jérôme,Pierre,Nicolas,Julien,Mathieu,Benoît,Olivier,Antoine,Giuseppe,Giovanni,Marco,Luca,"
   "Alessandro,Francesco,Matteo,Lorenzo,Andrea,Javier,Álvaro,Pablo,Jordi,Pieter,Jan,Sander,Bram,"
   "Thijs,Joris,Wouter,João,Tiago,Björn,Lars,Søren,Mikkel,Anders",
   "Anna,Lena,Laura,Julia,Katharina,Sabine,Ursula,Brigitte,Monika,Petra,Claudia,Françoise,Amélie,"
   "Céline,Élodie,Camille,Manon,Chloé,Inès,Léa,Marie,Giulia,Francesca,Chiara,Valentina,Alessia,"
   "Federica,Martina,Paola,Lucía,Carmen,Núria,Montserrat,Pilar,Marta,Sanne,Femke,Lotte,Eva,Inge,"
   "Ingrid,Astrid,Sofie,Mette",
   "Müller,Schmidt,Schneider,Fischer,Weber,Meyer,Wagner,Becker,Schulz,Hoffmann,Schäfer,Koch,"
   "Bauer,Richter,Klein,Wolf,Schröder,Neumann,Bernard,Dubois,Robert,Richard,Petit,Durand,Leroy,"
   "Moreau,Lefèvre,Rossi,Russo,Ferrari,Esposito,Bianchi,Romano,Colombo,Ricci,Marino,Greco,Bruno,"
   "De Jong,Jansen,De Vries,Van den Berg,Van Dijk,Bakker,Janssens,Peeters,Maes,Fernández,Jensen,"
   "Nielsen,Hansen,Andersson,Johansson,Karlsson",
   "Müller|Mueller|Muller|Müler;Schäfer|Schaefer|Schafer|Schaffer;Schröder|Schroeder|Schroder;"
   "Lefèvre|Lefebvre|Lefevre;De Jong|de Jong|Dejong;De Vries|de Vries|Devries;"
   "Van den Berg|van den Berg|Vandenberg|Van der Berg;Van Dijk|van Dijk|Van Dyk|Vandijk;"
   "Jürgen|Juergen|Jurgen;Søren|Soren|Soeren;Björn|Bjorn|Bjoern;Hoffmann|Hofmann|Hoffman;"
   "Meyer|Meier|Maier|Mayer;Schmidt|Schmitt|Schmid;Peeters|Peters;Janssens|Jansens;"
   "Fernández|Fernandez|Fernandes;François|Francois|Fransois;Sébastien|Sebastien|Sebastian;"
   "Jérôme|Jerome;Benoît|Benoit;João|Joao;Maximilian|Maximillian;Katharina|Katarina|Katherina;"
   "Jansen|Janssen|Jansson;Karlsson|Carlsson|Karlson;Johansson|Johanson|Johannsson;"
   "Andersson|Anderson|Andersen",
   "gmail.com,gmx.de,web.de,orange.fr,libero.it,outlook.com"},
};
// clang-format on

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const auto p = s.find(sep);
    out.push_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

// Polish -ski/-cki/-dzki take -a for women; East Slavic -ov/-ev/-in take -a.
std::string feminine_family(std::string_view m) {
  auto ends = [&](std::string_view suf) {
    return m.size() > suf.size() && m.substr(m.size() - suf.size()) == suf;
  };
  std::string f(m);
  if (ends("ski") || ends("cki") || ends("sky")) {
    f.back() = 'a';
  } else if (ends("ov") || ends("ev") || ends("in") || ends("ow") || ends("off")) {
    if (ends("off")) f.resize(f.size() - 2), f += "va";
    else if (ends("ow")) f.back() = 'w', f += "a";
    else f += "a";
  }
  return f;
}

// UTF-8 decode of one code point; returns bytes consumed (1 for invalid bytes).
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
  const auto c = static_cast<unsigned char>(s[i]);
  auto cont = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]) & 0x3Fu; };
  if (c < 0x80) { cp = c; return 1; }
  if ((c >> 5) == 0x6 && i + 1 < s.size()) { cp = ((c & 0x1Fu) << 6) | cont(1); return 2; }
  if ((c >> 4) == 0xE && i + 2 < s.size()) {
    cp = ((c & 0x0Fu) << 12) | (cont(1) << 6) | cont(2);
    return 3;
  }
  if ((c >> 3) == 0x1E && i + 3 < s.size()) {
    cp = ((c & 0x07u) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
    return 4;
  }
  cp = c;
  return 1;
}

// Base letter of a Latin code point with diacritics, or nullptr when not a folded letter.
const char* fold_cp(char32_t cp) {
  // Latin-1 Supplement, U+00C0..U+00FF.
  static constexpr const char* kLatin1[64] = {
      "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
      "D", "N", "O", "O", "O", "O", "O", nullptr, "O", "U", "U", "U", "U", "Y", "TH", "ss",
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "y"};
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
  // Latin Extended-A, U+0100..U+017F: the NFD base letter of each code point ('?' = two letters).
  if (cp >= 0x100 && cp <= 0x17F) {
    static constexpr std::string_view kBase =
        "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi??JjKkkLlLlLlLlLlNnNnNnnNnOoOoOo??RrRr"
        "RrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
    static constexpr const char* kLetters[] = {
        "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
        "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z",
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
        "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z"};
    switch (cp) {
      case 0x132: return "IJ";
      case 0x133: return "ij";
      case 0x152: return "OE";
      case 0x153: return "oe";
      default: break;
    }
    const char b = kBase[cp - 0x100];
    return b >= 'a' ? kLetters[26 + (b - 'a')] : kLetters[b - 'A'];
  }
  // Vietnamese: horn letters and Latin Extended Additional U+1EA0..U+1EF9 (even = upper).
  if (cp == 0x1A0) return "O";
  if (cp == 0x1A1) return "o";
  if (cp == 0x1AF) return "U";
  if (cp == 0x1B0) return "u";
  if (cp >= 0x1EA0 && cp <= 0x1EF9) {
    const bool upper = cp % 2 == 0;
    const char* u = cp <= 0x1EB7 ? "A" : cp <= 0x1EC7 ? "E" : cp <= 0x1ECB ? "I"
                  : cp <= 0x1EE3 ? "O" : cp <= 0x1EF1 ? "U" : "Y";
    static constexpr const char* kLow[] = {"a", "e", "i", "o", "u", "y"};
    static constexpr std::string_view kUp = "AEIOUY";
    return upper ? u : kLow[kUp.find(u[0])];
  }
  if (cp == 0x2018 || cp == 0x2019) return "'";
  return nullptr;
}

}  // namespace

std::string fold_to_ascii(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp;
    const std::size_t n = decode(s, i, cp);
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp >= 0x300 && cp <= 0x36F) {
      // combining diacritical mark: drop
    } else if (const char* f = fold_cp(cp)) {
      out += f;
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

const NameTables& NameTables::get() {
  static const NameTables tables;
  return tables;
}

std::span<const std::string_view> NameTables::email_domains(int culture) const {
  static const auto domains = [] {
    std::array<std::vector<std::string_view>, kCultureCount> d;
    for (int c = 0; c < kCultureCount; ++c) d[c] = split(kData[c].email_domains, ',');
    return d;
  }();
  return domains[static_cast<std::size_t>(culture)];
}

std::uint32_t NameTables::add_entry(std::string_view utf8) {
  NameEntry e;
  e.utf8 = std::string(utf8);
  e.ascii = fold_to_ascii(utf8);
  e.female_form = static_cast<std::uint32_t>(entries_.size());
  entries_.push_back(std::move(e));
  return entries_.back().female_form;
}

NameTables::NameTables() {
  pools_.resize(kCultureCount * 3);
  for (int c = 0; c < kCultureCount; ++c) {
    const auto& d = kData[c];
    std::unordered_map<std::string_view, std::vector<std::string_view>> groups;
    for (auto g : split(d.variants, ';')) {
      auto spellings = split(g, '|');
      groups.emplace(spellings.front(), std::vector<std::string_view>(spellings.begin() + 1,
                                                                      spellings.end()));
    }
    auto add_with_variants = [&](std::string_view name,
                                 std::string (*form)(std::string_view)) -> std::uint32_t {
      const std::uint32_t id = add_entry(form ? form(name) : std::string(name));
      const auto it = groups.find(name);
      if (it != groups.end()) {
        std::vector<std::uint32_t> vids;
        for (auto v : it->second) {
          const std::string spelled = form ? form(v) : std::string(v);
          if (spelled != entries_[id].utf8) vids.push_back(add_entry(spelled));
        }
        entries_[id].variants_begin = static_cast<std::uint32_t>(variant_ids_.size());
        entries_[id].variants_count = static_cast<std::uint32_t>(vids.size());
        variant_ids_.insert(variant_ids_.end(), vids.begin(), vids.end());
      }
      return id;
    };
    const std::string_view lists[3] = {d.male, d.female, d.family};
    for (int k = 0; k < 3; ++k) {
      for (auto name : split(lists[k], ',')) {
        const std::uint32_t id = add_with_variants(name, nullptr);
        pools_[static_cast<std::size_t>(c) * 3 + static_cast<std::size_t>(k)].push_back(id);
        if (k == 2 && c == kEastEuropean) {
          const std::string fem = feminine_family(name);
          if (fem != name) {
            const std::uint32_t fid = add_with_variants(
                name, +[](std::string_view n) { return feminine_family(n); });
            entries_[id].female_form = fid;
          }
        }
      }
    }
  }
  for (const auto& p : pools_)
    if (p.size() < 30) throw std::logic_error("name pool too small");
}

}  // namespace ch::world
