BEGIN TRANSACTION;
CREATE TABLE action (
	id INTEGER NOT NULL, 
	reference VARCHAR(12) NOT NULL, 
	name VARCHAR NOT NULL, 
	requester VARCHAR NOT NULL, 
	requester_type VARCHAR NOT NULL, 
	countries JSON NOT NULL, 
	region VARCHAR NOT NULL, 
	theme VARCHAR NOT NULL, 
	channel VARCHAR, 
	received_on DATE NOT NULL, 
	focal_point VARCHAR, 
	project_officer VARCHAR, 
	state VARCHAR NOT NULL, 
	state_since DATETIME NOT NULL, 
	suspended_from VARCHAR, 
	fiche JSON, 
	fiche_submitted_at DATETIME, 
	psg_decision_on DATE, 
	psg_comments VARCHAR, 
	monitoring_completed_on DATE, 
	final_report VARCHAR, 
	lessons_learnt VARCHAR, 
	forwarded_to VARCHAR, 
	closed_on DATE, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	CONSTRAINT pk_action PRIMARY KEY (id), 
	CONSTRAINT uq_action_reference UNIQUE (reference)
);
INSERT INTO "action" VALUES(1,'2009-01','Cabo Verde','Ministry of Internal Administration','national_authority','["CV"]','Africa (West)','migration_development',NULL,'2009-03-10',NULL,NULL,'closed','2011-02-15 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2011-02-16','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(2,'2009-02','ECOWAS I','ECOWAS Commission','regional_organisation','["BJ", "BF", "CV", "CI", "GM", "GH", "GN", "GW", "LR", "ML", "NE", "NG", "SN", "SL", "TG"]','Africa (West)','horizontal',NULL,'2009-05-03',NULL,NULL,'closed','2011-10-13 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2011-10-14','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(3,'2009-03','Philippines','Commission on Filipinos Overseas','national_authority','["PH"]','Asia','migration_development',NULL,'2009-06-28',NULL,NULL,'closed','2011-10-01 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2011-10-02','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(4,'2009-04','Moldova','Bureau for Migration and Asylum, Ministry of Interior','national_authority','["MD"]','EU Neighbourhood (East)','international_protection',NULL,'2009-09-05',NULL,NULL,'closed','2011-08-08 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2011-08-09','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(5,'2009-05','Paraguay','Ministry of Foreign Affairs','national_authority','["PY"]','Latin America and the Caribbean','migration_development',NULL,'2009-10-08',NULL,NULL,'closed','2011-09-21 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2011-09-22','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(6,'2009-06','Zambia','Ministry of Home Affairs','national_authority','["ZM"]','Africa (Central, Eastern and Southern)','irregular_migration',NULL,'2009-11-20',NULL,NULL,'closed','2011-07-17 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2011-07-18','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(7,'2010-01','Ghana','Ghana Immigration Service','national_authority','["GH"]','Africa (West)','irregular_migration',NULL,'2010-01-28',NULL,NULL,'closed','2011-08-01 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2011-08-02','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(8,'2010-02','Cambodia','Ministry of Labour and Vocational Training','national_authority','["KH"]','Asia','legal_migration',NULL,'2010-06-18',NULL,NULL,'closed','2013-05-02 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2013-05-03','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(9,'2010-03','Lebanon','General Directorate of General Security','national_authority','["LB"]','EU Neighbourhood (South)','irregular_migration',NULL,'2010-07-04',NULL,NULL,'forwarded','2010-09-25 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2010-09-26','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(10,'2010-04','Cameroon','Ministry of External Relations','national_authority','["CM"]','Africa (Central, Eastern and Southern)','migration_development',NULL,'2010-09-09',NULL,NULL,'rejected','2010-12-06 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2010-12-07','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(11,'2011-01','Nigeria','National Commission for Refugees, Migrants and Internally Displaced Persons','national_authority','["NG"]','Africa (West)','international_protection',NULL,'2011-02-25',NULL,NULL,'closed','2012-12-08 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2012-12-09','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(12,'2011-02','Philippines II','Philippine Overseas Employment Administration','national_authority','["PH"]','Asia','legal_migration',NULL,'2011-06-28',NULL,NULL,'closed','2013-06-07 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2013-06-08','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(13,'2011-03','Senegal','Ministry of Senegalese Abroad','national_authority','["SN"]','Africa (West)','migration_development',NULL,'2011-08-19',NULL,NULL,'closed','2013-10-02 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2013-10-03','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(14,'2011-04','Jordan','Ministry of Labour','national_authority','["JO"]','EU Neighbourhood (South)','legal_migration',NULL,'2011-10-22',NULL,NULL,'rejected','2011-11-30 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2011-12-01','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(15,'2012-01','Ethiopia','Ministry of Labour and Social Affairs','national_authority','["ET"]','Africa (Central, Eastern and Southern)','legal_migration',NULL,'2012-02-02',NULL,NULL,'withdrawn','2012-09-22 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2012-09-23','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(16,'2012-02','Tajikistan','Migration Service, Ministry of Labour, Migration and Employment','national_authority','["TJ"]','Asia','legal_migration',NULL,'2012-04-09',NULL,NULL,'closed','2014-12-14 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2014-12-15','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(17,'2012-03','Morocco','Ministry in charge of Moroccans Residing Abroad and Migration Affairs','national_authority','["MA"]','EU Neighbourhood (South)','migration_development',NULL,'2012-06-18',NULL,NULL,'forwarded','2012-08-27 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2012-08-28','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(18,'2012-04','MERCOSUR','MERCOSUR Secretariat','regional_organisation','["AR", "BR", "PY", "UY"]','Latin America and the Caribbean','legal_migration',NULL,'2012-08-12',NULL,NULL,'closed','2014-06-03 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2014-06-04','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(19,'2012-05','Kenya','Department of Immigration and Registration of Persons','national_authority','["KE"]','Africa (Central, Eastern and Southern)','irregular_migration',NULL,'2012-10-25',NULL,NULL,'rejected','2013-01-10 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2013-01-11','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(20,'2012-06','Sri Lanka','Sri Lanka Bureau of Foreign Employment','national_authority','["LK"]','Asia','legal_migration',NULL,'2012-11-21',NULL,NULL,'closed','2015-03-27 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2015-03-28','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(21,'2013-01','Madagascar','Ministry of Foreign Affairs','national_authority','["MG"]','Africa (Central, Eastern and Southern)','horizontal',NULL,'2013-01-08',NULL,NULL,'closed','2015-06-01 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2015-06-02','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(22,'2013-02','COMESA I','COMESA Secretariat','regional_organisation','["KE", "UG", "ZM", "ZW", "MW"]','Africa (Central, Eastern and Southern)','horizontal',NULL,'2013-02-25',NULL,NULL,'closed','2014-09-09 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2014-09-10','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(23,'2013-03','Tajikistan II','Ministry of Labour, Migration and Employment of Population','national_authority','["TJ"]','Asia','migration_development',NULL,'2013-04-11',NULL,NULL,'closed','2015-04-08 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2015-04-09','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(24,'2013-04','Côte d’Ivoire','Ministry of African Integration and Ivorians Abroad','national_authority','["CI"]','Africa (West)','migration_development',NULL,'2013-09-12',NULL,NULL,'closed','2016-07-23 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2016-07-24','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(25,'2013-05','Egypt','Ministry of Manpower and Emigration','national_authority','["EG"]','EU Neighbourhood (South)','legal_migration',NULL,'2013-10-04',NULL,NULL,'rejected','2013-12-30 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2013-12-31','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(26,'2013-06','Guinea','Ministry of Security and Civil Protection','national_authority','["GN"]','Africa (West)','irregular_migration',NULL,'2013-12-02',NULL,NULL,'forwarded','2014-02-24 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2014-02-25','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(27,'2014-01','Kyrgyzstan','State Migration Service','national_authority','["KG"]','Asia','legal_migration',NULL,'2014-01-16',NULL,NULL,'closed','2016-05-06 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2016-05-07','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(28,'2014-02','ECOWAS II','ECOWAS Commission','regional_organisation','["BJ", "BF", "CV", "CI", "GM", "GH", "GN", "GW", "LR", "ML", "NE", "NG", "SN", "SL", "TG"]','Africa (West)','irregular_migration',NULL,'2014-03-14',NULL,NULL,'closed','2016-08-30 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2016-08-31','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(29,'2014-03','Bangladesh','Ministry of Expatriates’ Welfare and Overseas Employment','national_authority','["BD"]','Asia','legal_migration',NULL,'2014-06-25',NULL,NULL,'closed','2017-02-05 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2017-02-06','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(30,'2014-04','Ukraine','State Migration Service of Ukraine','national_authority','["UA"]','EU Neighbourhood (East)','international_protection',NULL,'2014-08-16',NULL,NULL,'forwarded','2014-10-23 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2014-10-24','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(31,'2014-05','Tunisia','Ministry of Social Affairs','national_authority','["TN"]','EU Neighbourhood (South)','migration_development',NULL,'2014-09-17',NULL,NULL,'withdrawn','2014-11-21 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2014-11-22','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(32,'2015-01','SICA','SICA General Secretariat','regional_organisation','["BZ", "CR", "SV", "GT", "HN", "NI", "PA", "DO"]','Latin America and the Caribbean','irregular_migration',NULL,'2015-01-24',NULL,NULL,'closed','2017-03-20 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2017-03-21','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(33,'2015-02','IberRed','Ibero-American Network for International Legal Cooperation (IberRed)','regional_organisation','["AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "SV", "GT", "HN", "MX", "NI", "PA", "PY", "PE", "UY", "VE"]','Latin America and the Caribbean','irregular_migration',NULL,'2015-03-25',NULL,NULL,'closed','2016-12-17 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2016-12-18','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(34,'2015-03','Mexico','Mexican Commission for Refugee Assistance (COMAR)','national_authority','["MX"]','Latin America and the Caribbean','international_protection',NULL,'2015-06-04',NULL,NULL,'closed','2017-12-16 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2017-12-17','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(35,'2015-04','Cambodia II','Ministry of Labour and Vocational Training','national_authority','["KH"]','Asia','legal_migration',NULL,'2015-09-15',NULL,NULL,'rejected','2015-11-14 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2015-11-15','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(36,'2015-05','Sudan','Ministry of Interior','national_authority','["SD"]','Africa (Central, Eastern and Southern)','irregular_migration',NULL,'2015-11-06',NULL,NULL,'rejected','2016-02-12 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2016-02-13','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(37,'2016-01','Georgia','Public Defender (Ombudsman) of Georgia','ombudsperson','["GE"]','EU Neighbourhood (East)','horizontal',NULL,'2016-03-21',NULL,NULL,'closed','2018-06-24 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2018-06-25','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(38,'2016-02','Tajikistan III','Ministry of Labour, Migration and Employment of Population','national_authority','["TJ"]','Asia','legal_migration',NULL,'2016-05-13',NULL,NULL,'closed','2018-03-06 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2018-03-07','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(39,'2016-03','Moldova II','Parliament of the Republic of Moldova','parliament','["MD"]','EU Neighbourhood (East)','horizontal',NULL,'2016-10-20',NULL,NULL,'closed','2018-12-26 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2018-12-27','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(40,'2017-01','West and Central Africa I','Ministries in charge of migration of Benin, Côte d’Ivoire, Ghana, Nigeria, Cameroon and Chad (joint request)','national_authority','["BJ", "CI", "GH", "NG", "CM", "TD"]','Africa (West)','migration_development',NULL,'2017-02-10',NULL,NULL,'closed','2020-02-07 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2020-02-08','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(41,'2017-02','Paraguay II','Supreme Court of Justice','judiciary','["PY"]','Latin America and the Caribbean','irregular_migration',NULL,'2017-04-23',NULL,NULL,'closed','2019-01-25 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2019-01-26','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(42,'2017-03','Ecuador','Ombudsman’s Office of Ecuador','ombudsperson','["EC"]','Latin America and the Caribbean','international_protection',NULL,'2017-09-05',NULL,NULL,'closed','2019-04-23 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2019-04-24','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(43,'2017-04','Kuwait','Public Authority for Manpower','national_authority','["KW"]','Gulf','legal_migration',NULL,'2017-11-26',NULL,NULL,'forwarded','2018-02-20 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2018-02-21','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(44,'2018-01','COMESA II','COMESA Secretariat','regional_organisation','["KE", "UG", "ZM", "ZW", "MW"]','Africa (Central, Eastern and Southern)','legal_migration',NULL,'2018-03-25',NULL,NULL,'closed','2020-07-11 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2020-07-12','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(45,'2018-02','Armenia','Human Rights Defender of Armenia','ombudsperson','["AM"]','EU Neighbourhood (East)','horizontal',NULL,'2018-06-20',NULL,NULL,'closed','2020-06-14 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2020-06-15','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(46,'2018-03','Nigeria II','House of Representatives Committee on Diaspora','parliament','["NG"]','Africa (West)','migration_development',NULL,'2018-09-06',NULL,NULL,'rejected','2018-10-19 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2018-10-20','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(47,'2018-04','Mauritania','Ministry of Interior and Decentralisation','national_authority','["MR"]','Africa (West)','irregular_migration',NULL,'2018-11-23',NULL,NULL,'forwarded','2019-02-17 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2019-02-18','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(48,'2019-01','São Tomé and Príncipe','Ministry of Foreign Affairs, Cooperation and Communities','national_authority','["ST"]','Africa (Central, Eastern and Southern)','migration_development',NULL,'2019-04-13',NULL,NULL,'closed','2021-12-28 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2021-12-29','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(49,'2019-02','Bahrain','Labour Market Regulatory Authority','national_authority','["BH"]','Gulf','legal_migration',NULL,'2019-06-13',NULL,NULL,'closed','2020-12-29 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2020-12-30','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(50,'2019-03','Migrant Forum in Asia','Migrant Forum in Asia','civil_society','["PH", "ID", "NP", "BD", "LK"]','Asia','legal_migration',NULL,'2019-08-02',NULL,NULL,'closed','2021-07-15 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2021-07-16','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(51,'2019-04','Zimbabwe','Ministry of Home Affairs and Cultural Heritage','national_authority','["ZW"]','Africa (Central, Eastern and Southern)','irregular_migration',NULL,'2019-10-21',NULL,NULL,'withdrawn','2020-01-24 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2020-01-25','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(52,'2020-01','Ethiopia II','Ethiopian Diaspora Agency','national_authority','["ET"]','Africa (Central, Eastern and Southern)','migration_development',NULL,'2020-03-28',NULL,NULL,'withdrawn','2020-09-27 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2020-09-28','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(53,'2020-02','Curaçao','Ministry of Justice of Curaçao','national_authority','["CW"]','Overseas Countries and Territories','irregular_migration',NULL,'2020-11-02',NULL,NULL,'closed','2022-05-05 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2022-05-06','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(54,'2021-01','Moldova III','Congress of Local Authorities from Moldova','local_authority','["MD"]','EU Neighbourhood (East)','migration_development',NULL,'2021-04-27',NULL,NULL,'closed','2024-02-24 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2024-02-25','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(55,'2021-02','Dominican Republic','National Migration Institute','national_authority','["DO"]','Latin America and the Caribbean','horizontal',NULL,'2021-08-17',NULL,NULL,'closed','2024-01-11 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2024-01-12','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(56,'2021-03','Bangladesh II','Bangladesh Ovibashi Mohila Sramik Association','civil_society','["BD"]','Asia','legal_migration',NULL,'2021-10-04',NULL,NULL,'rejected','2021-11-14 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2021-11-15','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(57,'2022-01','Ukraine II','State Migration Service of Ukraine','national_authority','["UA"]','EU Neighbourhood (East)','international_protection',NULL,'2022-01-18',NULL,NULL,'withdrawn','2022-06-05 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2022-06-06','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(58,'2022-02','West and Central Africa II','Ministries in charge of migration of Benin, Côte d’Ivoire, Ghana, Nigeria, Cameroon and Chad (joint request)','national_authority','["BJ", "CI", "GH", "NG", "CM", "TD"]','Africa (West)','irregular_migration',NULL,'2022-03-13',NULL,NULL,'closed','2024-03-02 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2024-03-03','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(59,'2022-03','Morocco II','Ministry Delegate in charge of Moroccans Residing Abroad','national_authority','["MA"]','EU Neighbourhood (South)','migration_development',NULL,'2022-05-15',NULL,NULL,'closed','2024-11-10 23:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2024-11-11','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(60,'2022-04','Zambia II','National Assembly of Zambia','parliament','["ZM"]','Africa (Central, Eastern and Southern)','horizontal',NULL,'2022-07-23',NULL,NULL,'closed','2025-07-21 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2025-07-22','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(61,'2022-05','Egypt II','National Coordinating Committee for Combating and Preventing Illegal Migration and Trafficking in Persons','national_authority','["EG"]','EU Neighbourhood (South)','irregular_migration',NULL,'2022-11-17',NULL,NULL,'closed','2025-09-13 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2025-09-14','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(62,'2023-01','Philippines III','Department of Migrant Workers','national_authority','["PH"]','Asia','legal_migration',NULL,'2023-02-09',NULL,NULL,'closed','2024-08-21 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2024-08-22','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(63,'2023-02','Azerbaijan','State Migration Service','national_authority','["AZ"]','EU Neighbourhood (East)','legal_migration',NULL,'2023-04-17',NULL,NULL,'rejected','2023-07-25 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2023-07-26','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(64,'2023-03','Kenya II','State Department for Diaspora Affairs','national_authority','["KE"]','Africa (Central, Eastern and Southern)','migration_development',NULL,'2023-06-07',NULL,NULL,'closure','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(65,'2023-04','Costa Rica','Judicial Branch of Costa Rica','judiciary','["CR"]','Latin America and the Caribbean','irregular_migration',NULL,'2023-09-10',NULL,NULL,'monitoring','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(66,'2023-05','SICA II','SICA General Secretariat','regional_organisation','["BZ", "CR", "SV", "GT", "HN", "NI", "PA", "DO"]','Latin America and the Caribbean','horizontal',NULL,'2023-11-18',NULL,NULL,'implementation','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(67,'2024-01','Jordan II','Ministry of Labour','national_authority','["JO"]','EU Neighbourhood (South)','legal_migration',NULL,'2024-01-02',NULL,NULL,'closed','2026-05-04 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-05-05','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(68,'2024-02','Armenia II','Migration and Citizenship Service, Ministry of Internal Affairs','national_authority','["AM"]','EU Neighbourhood (East)','international_protection',NULL,'2024-02-23',NULL,NULL,'monitoring','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(69,'2024-03','Tajikistan IV','Migration Service, Ministry of Labour, Migration and Employment of Population','national_authority','["TJ"]','Asia','legal_migration',NULL,'2024-04-06',NULL,NULL,'closure','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(70,'2024-04','Sri Lanka II','Parliamentary Commissioner for Administration (Ombudsman)','ombudsperson','["LK"]','Asia','horizontal',NULL,'2024-05-25',NULL,NULL,'rejected','2024-08-07 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2024-08-08','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(71,'2024-05','Senegal II','General Directorate of Support to Senegalese Abroad','national_authority','["SN"]','Africa (West)','migration_development',NULL,'2024-06-16',NULL,NULL,'closure','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(72,'2024-06','Kampala','Kampala Capital City Authority','local_authority','["UG"]','Africa (Central, Eastern and Southern)','migration_development',NULL,'2024-08-13',NULL,NULL,'monitoring','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(73,'2024-07','ECOWAS III','ECOWAS Commission','regional_organisation','["BJ", "BF", "CV", "CI", "GM", "GH", "GN", "GW", "LR", "ML", "NE", "NG", "SN", "SL", "TG"]','Africa (West)','horizontal',NULL,'2024-10-16',NULL,NULL,'implementation','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(74,'2024-08','Paraguay III','Ministry of Foreign Affairs','national_authority','["PY"]','Latin America and the Caribbean','migration_development',NULL,'2024-11-14',NULL,NULL,'on_hold','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(75,'2025-01','Cabo Verde II','Ministry of Foreign Affairs, Cooperation and Regional Integration','national_authority','["CV"]','Africa (West)','legal_migration',NULL,'2025-01-15',NULL,NULL,'implementation','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(76,'2025-02','Lebanon II','Parliament of Lebanon, Human Rights Committee','parliament','["LB"]','EU Neighbourhood (South)','international_protection',NULL,'2025-02-23',NULL,NULL,'on_hold','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(77,'2025-03','Gambia','Ministry of Foreign Affairs, International Cooperation and Gambians Abroad','national_authority','["GM"]','Africa (West)','migration_development',NULL,'2025-03-16',NULL,NULL,'implementation','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(78,'2025-04','Kyrgyzstan II','Ministry of Labour, Social Security and Migration','national_authority','["KG"]','Asia','legal_migration',NULL,'2025-05-11',NULL,NULL,'monitoring','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(79,'2025-05','Mauritania II','Ministry of Interior and Decentralisation','national_authority','["MR"]','Africa (West)','irregular_migration',NULL,'2025-06-05',NULL,NULL,'forwarded','2025-08-29 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2025-08-30','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(80,'2025-06','Côte d’Ivoire II','Ministry of Interior and Security','national_authority','["CI"]','Africa (West)','irregular_migration',NULL,'2025-08-02',NULL,NULL,'implementation','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(81,'2025-07','Georgia II','Public Defender (Ombudsman) of Georgia','ombudsperson','["GE"]','EU Neighbourhood (East)','horizontal',NULL,'2025-10-07',NULL,NULL,'implementation','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(82,'2025-08','IberRed II','Ibero-American Network for International Legal Cooperation (IberRed)','regional_organisation','["AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "SV", "GT", "HN", "MX", "NI", "PA", "PY", "PE", "UY", "VE"]','Latin America and the Caribbean','irregular_migration',NULL,'2025-12-13',NULL,NULL,'approval','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(83,'2026-01','Moldova IV','Bureau for Migration and Asylum','national_authority','["MD"]','EU Neighbourhood (East)','international_protection',NULL,'2026-01-15',NULL,NULL,'approval','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(84,'2026-02','Tunisia II','National Observatory of Migration','national_authority','["TN"]','EU Neighbourhood (South)','horizontal',NULL,'2026-02-16',NULL,NULL,'withdrawn','2026-05-18 22:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-05-19','2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(85,'2026-03','Bangladesh III','Ministry of Expatriates’ Welfare and Overseas Employment','national_authority','["BD"]','Asia','legal_migration',NULL,'2026-04-16',NULL,NULL,'on_hold','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(86,'2026-04','Cambodia III','Legal Aid of Cambodia','civil_society','["KH"]','Asia','irregular_migration',NULL,'2026-06-12',NULL,NULL,'approval','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(87,'2026-05','COMESA III','COMESA Secretariat','regional_organisation','["KE", "UG", "ZM", "ZW", "MW"]','Africa (Central, Eastern and Southern)','legal_migration',NULL,'2026-07-26',NULL,NULL,'pre_implementation','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(88,'2026-06','Jamaica','Planning Institute of Jamaica','national_authority','["JM"]','Latin America and the Caribbean','migration_development',NULL,'2026-08-07',NULL,NULL,'pre_implementation','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(89,'2026-07','Nigeria III','Nigerians in Diaspora Commission','national_authority','["NG"]','Africa (West)','migration_development',NULL,'2026-09-12',NULL,NULL,'request','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(90,'2026-08','Madagascar II','Ministry of Foreign Affairs','national_authority','["MG"]','Africa (Central, Eastern and Southern)','horizontal',NULL,'2026-10-04',NULL,NULL,'request','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(91,'2026-09','Peru','Municipality of Lima','local_authority','["PE"]','Latin America and the Caribbean','international_protection',NULL,'2026-10-06',NULL,NULL,'request','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(92,'2026-10','Ghana II','Ghana Immigration Service','national_authority','["GH"]','Africa (West)','legal_migration','email','2026-02-27','Head of Policy','ana','request','2026-11-23 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-23 09:00:00.000000','2026-11-23 09:00:00.000000',1);
INSERT INTO "action" VALUES(93,'2026-11','Ghana II','Ghana Immigration Service','national_authority','["GH"]','Africa (West)','legal_migration','email','2026-02-27','Head of Policy','ana','pre_implementation','2026-11-26 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-26 09:00:00.000000','2026-11-26 09:00:00.000000',2);
INSERT INTO "action" VALUES(94,'2026-12','Ghana II','Ghana Immigration Service','national_authority','["GH"]','Africa (West)','legal_migration','email','2026-02-27','Head of Policy','ana','approval','2026-11-29 09:00:00.000000',NULL,'{"objective": "Support the national labour migration strategy", "intervention_logic": "Peer review, then training of trainers", "activities": [{"type": "workshop", "title": "Kick-off workshop", "start": "2026-05-04", "end": "2026-05-06", "place": "Accra", "status": "delivered"}]}','2026-11-29 09:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-29 09:00:00.000000','2026-11-29 09:00:00.000000',3);
INSERT INTO "action" VALUES(95,'2026-13','Ghana II','Ghana Immigration Service','national_authority','["GH"]','Africa (West)','legal_migration','email','2026-02-27','Head of Policy','ana','implementation','2026-12-02 09:00:00.000000',NULL,'{"objective": "Support the national labour migration strategy", "intervention_logic": "Peer review, then training of trainers", "activities": [{"type": "workshop", "title": "Kick-off workshop", "start": "2026-05-04", "end": "2026-05-06", "place": "Accra", "status": "delivered"}]}','2026-12-02 09:00:00.000000','2026-03-20',NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-02 09:00:00.000000','2026-12-02 09:00:00.000000',4);
INSERT INTO "action" VALUES(96,'2026-14','Ghana II','Ghana Immigration Service','national_authority','["GH"]','Africa (West)','legal_migration','email','2026-02-27','Head of Policy','ana','monitoring','2026-12-05 09:00:00.000000',NULL,'{"objective": "Support the national labour migration strategy", "intervention_logic": "Peer review, then training of trainers", "activities": [{"type": "workshop", "title": "Kick-off workshop", "start": "2026-05-04", "end": "2026-05-06", "place": "Accra", "status": "delivered"}]}','2026-12-05 09:00:00.000000','2026-03-20',NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-05 09:00:00.000000','2026-12-05 09:00:00.000000',5);
INSERT INTO "action" VALUES(97,'2026-15','Ghana II','Ghana Immigration Service','national_authority','["GH"]','Africa (West)','legal_migration','email','2026-02-27','Head of Policy','ana','closure','2026-12-08 09:00:00.000000',NULL,'{"objective": "Support the national labour migration strategy", "intervention_logic": "Peer review, then training of trainers", "activities": [{"type": "workshop", "title": "Kick-off workshop", "start": "2026-05-04", "end": "2026-05-06", "place": "Accra", "status": "delivered"}]}','2026-12-08 09:00:00.000000','2026-03-20',NULL,'2026-09-01',NULL,NULL,NULL,NULL,'2026-12-08 09:00:00.000000','2026-12-08 09:00:00.000000',6);
INSERT INTO "action" VALUES(98,'2026-16','Ghana II','Ghana Immigration Service','national_authority','["GH"]','Africa (West)','legal_migration','email','2026-02-27','Head of Policy','ana','closed','2026-12-11 09:00:00.000000',NULL,'{"objective": "Support the national labour migration strategy", "intervention_logic": "Peer review, then training of trainers", "activities": [{"type": "workshop", "title": "Kick-off workshop", "start": "2026-05-04", "end": "2026-05-06", "place": "Accra", "status": "delivered"}]}','2026-12-11 09:00:00.000000','2026-03-20',NULL,'2026-09-01','https://example.org/report.pdf','Start the logistics early',NULL,'2026-12-11','2026-12-11 09:00:00.000000','2026-12-11 09:00:00.000000',7);
INSERT INTO "action" VALUES(99,'2026-17','Ghana II','Ghana Immigration Service','national_authority','["GH"]','Africa (West)','legal_migration','email','2026-02-27','Head of Policy','ana','rejected','2026-12-14 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-14','2026-12-14 09:00:00.000000','2026-12-14 09:00:00.000000',2);
INSERT INTO "action" VALUES(100,'2026-18','Ghana II','Ghana Immigration Service','national_authority','["GH"]','Africa (West)','legal_migration','email','2026-02-27','Head of Policy','ana','forwarded','2026-12-17 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,'Migration Partnership Facility','2026-12-17','2026-12-17 09:00:00.000000','2026-12-17 09:00:00.000000',2);
INSERT INTO "action" VALUES(101,'2026-19','Ghana II','Ghana Immigration Service','national_authority','["GH"]','Africa (West)','legal_migration','email','2026-02-27','Head of Policy','ana','withdrawn','2026-12-20 09:00:00.000000',NULL,'null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-20','2026-12-20 09:00:00.000000','2026-12-20 09:00:00.000000',2);
INSERT INTO "action" VALUES(102,'2026-20','Ghana II','Ghana Immigration Service','national_authority','["GH"]','Africa (West)','legal_migration','email','2026-02-27','Head of Policy','ana','on_hold','2026-12-23 09:00:00.000000','request','null',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-23 09:00:00.000000','2026-12-23 09:00:00.000000',2);
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO "alembic_version" VALUES('0003');
CREATE TABLE alert (
	id INTEGER NOT NULL, 
	action_id INTEGER NOT NULL, 
	kind VARCHAR NOT NULL, 
	source VARCHAR NOT NULL, 
	recipients JSON NOT NULL, 
	data JSON NOT NULL, 
	urgent BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, routed_at DATETIME, 
	CONSTRAINT pk_alert PRIMARY KEY (id), 
	CONSTRAINT fk_alert_action_id_action FOREIGN KEY(action_id) REFERENCES action (id), 
	CONSTRAINT uq_alert_source UNIQUE (source)
);
INSERT INTO "alert" VALUES(1,92,'request.received','action:92:2026-11-23T09:00:00+00:00:request.received','["ana", "pieter"]','{"reference": "2026-10", "name": "Ghana II", "state": "request", "reason": null, "actor": "ana"}',1,'2026-11-23 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(2,93,'request.received','action:93:2026-11-26T09:00:00+00:00:request.received','["ana", "pieter"]','{"reference": "2026-11", "name": "Ghana II", "state": "request", "reason": null, "actor": "ana"}',1,'2026-11-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(3,94,'request.received','action:94:2026-11-29T09:00:00+00:00:request.received','["ana", "pieter"]','{"reference": "2026-12", "name": "Ghana II", "state": "request", "reason": null, "actor": "ana"}',1,'2026-11-29 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(4,95,'request.received','action:95:2026-12-02T09:00:00+00:00:request.received','["ana", "pieter"]','{"reference": "2026-13", "name": "Ghana II", "state": "request", "reason": null, "actor": "ana"}',1,'2026-12-02 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(5,95,'action.approved','action:95:2026-12-02T09:00:00+00:00:action.approved','["ana", "pieter", "marta"]','{"reference": "2026-13", "name": "Ghana II", "state": "implementation", "reason": null, "actor": "psg-devco"}',1,'2026-12-02 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(6,96,'request.received','action:96:2026-12-05T09:00:00+00:00:request.received','["ana", "pieter"]','{"reference": "2026-14", "name": "Ghana II", "state": "request", "reason": null, "actor": "ana"}',1,'2026-12-05 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(7,96,'action.approved','action:96:2026-12-05T09:00:00+00:00:action.approved','["ana", "pieter", "marta"]','{"reference": "2026-14", "name": "Ghana II", "state": "implementation", "reason": null, "actor": "psg-devco"}',1,'2026-12-05 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(8,97,'request.received','action:97:2026-12-08T09:00:00+00:00:request.received','["ana", "pieter"]','{"reference": "2026-15", "name": "Ghana II", "state": "request", "reason": null, "actor": "ana"}',1,'2026-12-08 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(9,97,'action.approved','action:97:2026-12-08T09:00:00+00:00:action.approved','["ana", "pieter", "marta"]','{"reference": "2026-15", "name": "Ghana II", "state": "implementation", "reason": null, "actor": "psg-devco"}',1,'2026-12-08 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(10,98,'request.received','action:98:2026-12-11T09:00:00+00:00:request.received','["ana", "pieter"]','{"reference": "2026-16", "name": "Ghana II", "state": "request", "reason": null, "actor": "ana"}',1,'2026-12-11 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(11,98,'action.approved','action:98:2026-12-11T09:00:00+00:00:action.approved','["ana", "pieter", "marta"]','{"reference": "2026-16", "name": "Ghana II", "state": "implementation", "reason": null, "actor": "psg-devco"}',1,'2026-12-11 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(12,99,'request.received','action:99:2026-12-14T09:00:00+00:00:request.received','["ana", "pieter"]','{"reference": "2026-17", "name": "Ghana II", "state": "request", "reason": null, "actor": "ana"}',1,'2026-12-14 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(13,99,'action.rejected','action:99:2026-12-14T09:00:00+00:00:action.rejected','["ana", "pieter"]','{"reference": "2026-17", "name": "Ghana II", "state": "rejected", "reason": "outside MIEUX''s mandate", "actor": "ana"}',1,'2026-12-14 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(14,100,'request.received','action:100:2026-12-17T09:00:00+00:00:request.received','["ana", "pieter"]','{"reference": "2026-18", "name": "Ghana II", "state": "request", "reason": null, "actor": "ana"}',1,'2026-12-17 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(15,101,'request.received','action:101:2026-12-20T09:00:00+00:00:request.received','["ana", "pieter"]','{"reference": "2026-19", "name": "Ghana II", "state": "request", "reason": null, "actor": "ana"}',1,'2026-12-20 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(16,102,'request.received','action:102:2026-12-23T09:00:00+00:00:request.received','["ana", "pieter"]','{"reference": "2026-20", "name": "Ghana II", "state": "request", "reason": null, "actor": "ana"}',1,'2026-12-23 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(17,92,'fiche.due','timer:32','["ana", "pieter"]','{"reference": "2026-10", "name": "Ghana II", "deadline": "Action Fiche due", "kind": "fiche", "point": "due", "due_at": "2026-03-20T08:00:00+00:00", "state": "request", "coalesced": 1, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(18,93,'fiche.due','timer:34','["ana", "pieter"]','{"reference": "2026-11", "name": "Ghana II", "deadline": "Action Fiche due", "kind": "fiche", "point": "due", "due_at": "2026-03-20T08:00:00+00:00", "state": "pre_implementation", "coalesced": 1, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(19,87,'fiche.due','timer:20','["ana", "jonas", "pieter"]','{"reference": "2026-05", "name": "COMESA III", "deadline": "Action Fiche due", "kind": "fiche", "point": "due", "due_at": "2026-08-16T07:00:00+00:00", "state": "pre_implementation", "coalesced": 1, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(20,88,'fiche.due','timer:23','["ana", "jonas", "pieter"]','{"reference": "2026-06", "name": "Jamaica", "deadline": "Action Fiche due", "kind": "fiche", "point": "due", "due_at": "2026-08-28T07:00:00+00:00", "state": "pre_implementation", "coalesced": 1, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(21,89,'fiche.due','timer:26','["ana", "jonas", "pieter"]','{"reference": "2026-07", "name": "Nigeria III", "deadline": "Action Fiche due", "kind": "fiche", "point": "due", "due_at": "2026-10-03T07:00:00+00:00", "state": "request", "coalesced": 1, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(22,90,'fiche.due','timer:28','["ana", "jonas", "pieter"]','{"reference": "2026-08", "name": "Madagascar II", "deadline": "Action Fiche due", "kind": "fiche", "point": "due", "due_at": "2026-10-25T08:00:00+00:00", "state": "request", "coalesced": 1, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(23,91,'fiche.due','timer:30','["ana", "jonas", "pieter"]','{"reference": "2026-09", "name": "Peru", "deadline": "Action Fiche due", "kind": "fiche", "point": "due", "due_at": "2026-10-27T08:00:00+00:00", "state": "request", "coalesced": 1, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(24,82,'psg_decision.escalation','timer:10','["pieter", "ana", "jonas"]','{"reference": "2025-08", "name": "IberRed II", "deadline": "PSG decision due", "kind": "psg_decision", "point": "escalation", "due_at": "2026-12-07T08:00:00+00:00", "state": "approval", "coalesced": 1, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(25,83,'psg_decision.escalation','timer:13','["pieter", "ana", "jonas"]','{"reference": "2026-01", "name": "Moldova IV", "deadline": "PSG decision due", "kind": "psg_decision", "point": "escalation", "due_at": "2026-12-07T08:00:00+00:00", "state": "approval", "coalesced": 1, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(26,86,'psg_decision.escalation','timer:17','["pieter", "ana", "jonas"]','{"reference": "2026-04", "name": "Cambodia III", "deadline": "PSG decision due", "kind": "psg_decision", "point": "escalation", "due_at": "2026-12-07T08:00:00+00:00", "state": "approval", "coalesced": 1, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(27,94,'psg_decision.escalation','timer:40','["pieter", "ana"]','{"reference": "2026-12", "name": "Ghana II", "deadline": "PSG decision due", "kind": "psg_decision", "point": "escalation", "due_at": "2026-12-11T08:00:00+00:00", "state": "approval", "coalesced": 1, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(28,64,'final_report.due','timer:2','["ana", "jonas", "pieter"]','{"reference": "2023-03", "name": "Kenya II", "deadline": "Final report due", "kind": "final_report", "point": "due", "due_at": "2026-12-23T08:00:00+00:00", "state": "closure", "coalesced": 1, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(29,69,'final_report.due','timer:4','["ana", "jonas", "pieter"]','{"reference": "2024-03", "name": "Tajikistan IV", "deadline": "Final report due", "kind": "final_report", "point": "due", "due_at": "2026-12-23T08:00:00+00:00", "state": "closure", "coalesced": 1, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(30,71,'final_report.due','timer:6','["ana", "jonas", "pieter"]','{"reference": "2024-05", "name": "Senegal II", "deadline": "Final report due", "kind": "final_report", "point": "due", "due_at": "2026-12-23T08:00:00+00:00", "state": "closure", "coalesced": 1, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(31,82,'watch_approval.due','timer:11','["pieter"]','{"reference": "2025-08", "name": "IberRed II", "deadline": "Long awaiting PSG approval", "kind": "watch_approval", "point": "due", "due_at": "2026-12-21T08:00:00+00:00", "state": "approval", "coalesced": 0, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(32,83,'watch_approval.due','timer:14','["pieter"]','{"reference": "2026-01", "name": "Moldova IV", "deadline": "Long awaiting PSG approval", "kind": "watch_approval", "point": "due", "due_at": "2026-12-21T08:00:00+00:00", "state": "approval", "coalesced": 0, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(33,86,'watch_approval.due','timer:18','["pieter"]','{"reference": "2026-04", "name": "Cambodia III", "deadline": "Long awaiting PSG approval", "kind": "watch_approval", "point": "due", "due_at": "2026-12-21T08:00:00+00:00", "state": "approval", "coalesced": 0, "flow_run_id": null}',1,'2026-12-26 09:00:00.000000',NULL);
INSERT INTO "alert" VALUES(34,97,'final_report.reminder','timer:60','["ana"]','{"reference": "2026-15", "name": "Ghana II", "deadline": "Final report due", "kind": "final_report", "point": "reminder", "due_at": "2027-01-07T08:00:00+00:00", "state": "closure", "coalesced": 0, "flow_run_id": null}',0,'2026-12-26 09:00:00.000000',NULL);
CREATE TABLE audit (
	id INTEGER NOT NULL, 
	action_id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	"trigger" VARCHAR NOT NULL, 
	from_state VARCHAR, 
	to_state VARCHAR NOT NULL, 
	actor VARCHAR NOT NULL, 
	reason VARCHAR, 
	payload JSON NOT NULL, 
	CONSTRAINT pk_audit PRIMARY KEY (id), 
	CONSTRAINT fk_audit_action_id_action FOREIGN KEY(action_id) REFERENCES action (id)
);
INSERT INTO "audit" VALUES(1,1,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 2}');
INSERT INTO "audit" VALUES(2,2,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 3}');
INSERT INTO "audit" VALUES(3,3,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 4}');
INSERT INTO "audit" VALUES(4,4,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 5}');
INSERT INTO "audit" VALUES(5,5,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 6}');
INSERT INTO "audit" VALUES(6,6,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 7}');
INSERT INTO "audit" VALUES(7,7,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 8}');
INSERT INTO "audit" VALUES(8,8,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 9}');
INSERT INTO "audit" VALUES(9,9,'2026-11-23 09:00:00.000000','import',NULL,'forwarded','pieter',NULL,'{"file": "portfolio.csv", "line": 10}');
INSERT INTO "audit" VALUES(10,10,'2026-11-23 09:00:00.000000','import',NULL,'rejected','pieter',NULL,'{"file": "portfolio.csv", "line": 11}');
INSERT INTO "audit" VALUES(11,11,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 12}');
INSERT INTO "audit" VALUES(12,12,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 13}');
INSERT INTO "audit" VALUES(13,13,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 14}');
INSERT INTO "audit" VALUES(14,14,'2026-11-23 09:00:00.000000','import',NULL,'rejected','pieter',NULL,'{"file": "portfolio.csv", "line": 15}');
INSERT INTO "audit" VALUES(15,15,'2026-11-23 09:00:00.000000','import',NULL,'withdrawn','pieter',NULL,'{"file": "portfolio.csv", "line": 16}');
INSERT INTO "audit" VALUES(16,16,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 17}');
INSERT INTO "audit" VALUES(17,17,'2026-11-23 09:00:00.000000','import',NULL,'forwarded','pieter',NULL,'{"file": "portfolio.csv", "line": 18}');
INSERT INTO "audit" VALUES(18,18,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 19}');
INSERT INTO "audit" VALUES(19,19,'2026-11-23 09:00:00.000000','import',NULL,'rejected','pieter',NULL,'{"file": "portfolio.csv", "line": 20}');
INSERT INTO "audit" VALUES(20,20,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 21}');
INSERT INTO "audit" VALUES(21,21,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 22}');
INSERT INTO "audit" VALUES(22,22,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 23}');
INSERT INTO "audit" VALUES(23,23,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 24}');
INSERT INTO "audit" VALUES(24,24,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 25}');
INSERT INTO "audit" VALUES(25,25,'2026-11-23 09:00:00.000000','import',NULL,'rejected','pieter',NULL,'{"file": "portfolio.csv", "line": 26}');
INSERT INTO "audit" VALUES(26,26,'2026-11-23 09:00:00.000000','import',NULL,'forwarded','pieter',NULL,'{"file": "portfolio.csv", "line": 27}');
INSERT INTO "audit" VALUES(27,27,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 28}');
INSERT INTO "audit" VALUES(28,28,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 29}');
INSERT INTO "audit" VALUES(29,29,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 30}');
INSERT INTO "audit" VALUES(30,30,'2026-11-23 09:00:00.000000','import',NULL,'forwarded','pieter',NULL,'{"file": "portfolio.csv", "line": 31}');
INSERT INTO "audit" VALUES(31,31,'2026-11-23 09:00:00.000000','import',NULL,'withdrawn','pieter',NULL,'{"file": "portfolio.csv", "line": 32}');
INSERT INTO "audit" VALUES(32,32,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 33}');
INSERT INTO "audit" VALUES(33,33,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 34}');
INSERT INTO "audit" VALUES(34,34,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 35}');
INSERT INTO "audit" VALUES(35,35,'2026-11-23 09:00:00.000000','import',NULL,'rejected','pieter',NULL,'{"file": "portfolio.csv", "line": 36}');
INSERT INTO "audit" VALUES(36,36,'2026-11-23 09:00:00.000000','import',NULL,'rejected','pieter',NULL,'{"file": "portfolio.csv", "line": 37}');
INSERT INTO "audit" VALUES(37,37,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 38}');
INSERT INTO "audit" VALUES(38,38,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 39}');
INSERT INTO "audit" VALUES(39,39,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 40}');
INSERT INTO "audit" VALUES(40,40,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 41}');
INSERT INTO "audit" VALUES(41,41,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 42}');
INSERT INTO "audit" VALUES(42,42,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 43}');
INSERT INTO "audit" VALUES(43,43,'2026-11-23 09:00:00.000000','import',NULL,'forwarded','pieter',NULL,'{"file": "portfolio.csv", "line": 44}');
INSERT INTO "audit" VALUES(44,44,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 45}');
INSERT INTO "audit" VALUES(45,45,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 46}');
INSERT INTO "audit" VALUES(46,46,'2026-11-23 09:00:00.000000','import',NULL,'rejected','pieter',NULL,'{"file": "portfolio.csv", "line": 47}');
INSERT INTO "audit" VALUES(47,47,'2026-11-23 09:00:00.000000','import',NULL,'forwarded','pieter',NULL,'{"file": "portfolio.csv", "line": 48}');
INSERT INTO "audit" VALUES(48,48,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 49}');
INSERT INTO "audit" VALUES(49,49,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 50}');
INSERT INTO "audit" VALUES(50,50,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 51}');
INSERT INTO "audit" VALUES(51,51,'2026-11-23 09:00:00.000000','import',NULL,'withdrawn','pieter',NULL,'{"file": "portfolio.csv", "line": 52}');
INSERT INTO "audit" VALUES(52,52,'2026-11-23 09:00:00.000000','import',NULL,'withdrawn','pieter',NULL,'{"file": "portfolio.csv", "line": 53}');
INSERT INTO "audit" VALUES(53,53,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 54}');
INSERT INTO "audit" VALUES(54,54,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 55}');
INSERT INTO "audit" VALUES(55,55,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 56}');
INSERT INTO "audit" VALUES(56,56,'2026-11-23 09:00:00.000000','import',NULL,'rejected','pieter',NULL,'{"file": "portfolio.csv", "line": 57}');
INSERT INTO "audit" VALUES(57,57,'2026-11-23 09:00:00.000000','import',NULL,'withdrawn','pieter',NULL,'{"file": "portfolio.csv", "line": 58}');
INSERT INTO "audit" VALUES(58,58,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 59}');
INSERT INTO "audit" VALUES(59,59,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 60}');
INSERT INTO "audit" VALUES(60,60,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 61}');
INSERT INTO "audit" VALUES(61,61,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 62}');
INSERT INTO "audit" VALUES(62,62,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 63}');
INSERT INTO "audit" VALUES(63,63,'2026-11-23 09:00:00.000000','import',NULL,'rejected','pieter',NULL,'{"file": "portfolio.csv", "line": 64}');
INSERT INTO "audit" VALUES(64,64,'2026-11-23 09:00:00.000000','import',NULL,'closure','pieter',NULL,'{"file": "portfolio.csv", "line": 65}');
INSERT INTO "audit" VALUES(65,65,'2026-11-23 09:00:00.000000','import',NULL,'monitoring','pieter',NULL,'{"file": "portfolio.csv", "line": 66}');
INSERT INTO "audit" VALUES(66,66,'2026-11-23 09:00:00.000000','import',NULL,'implementation','pieter',NULL,'{"file": "portfolio.csv", "line": 67}');
INSERT INTO "audit" VALUES(67,67,'2026-11-23 09:00:00.000000','import',NULL,'closed','pieter',NULL,'{"file": "portfolio.csv", "line": 68}');
INSERT INTO "audit" VALUES(68,68,'2026-11-23 09:00:00.000000','import',NULL,'monitoring','pieter',NULL,'{"file": "portfolio.csv", "line": 69}');
INSERT INTO "audit" VALUES(69,69,'2026-11-23 09:00:00.000000','import',NULL,'closure','pieter',NULL,'{"file": "portfolio.csv", "line": 70}');
INSERT INTO "audit" VALUES(70,70,'2026-11-23 09:00:00.000000','import',NULL,'rejected','pieter',NULL,'{"file": "portfolio.csv", "line": 71}');
INSERT INTO "audit" VALUES(71,71,'2026-11-23 09:00:00.000000','import',NULL,'closure','pieter',NULL,'{"file": "portfolio.csv", "line": 72}');
INSERT INTO "audit" VALUES(72,72,'2026-11-23 09:00:00.000000','import',NULL,'monitoring','pieter',NULL,'{"file": "portfolio.csv", "line": 73}');
INSERT INTO "audit" VALUES(73,73,'2026-11-23 09:00:00.000000','import',NULL,'implementation','pieter',NULL,'{"file": "portfolio.csv", "line": 74}');
INSERT INTO "audit" VALUES(74,74,'2026-11-23 09:00:00.000000','import',NULL,'on_hold','pieter',NULL,'{"file": "portfolio.csv", "line": 75}');
INSERT INTO "audit" VALUES(75,75,'2026-11-23 09:00:00.000000','import',NULL,'implementation','pieter',NULL,'{"file": "portfolio.csv", "line": 76}');
INSERT INTO "audit" VALUES(76,76,'2026-11-23 09:00:00.000000','import',NULL,'on_hold','pieter',NULL,'{"file": "portfolio.csv", "line": 77}');
INSERT INTO "audit" VALUES(77,77,'2026-11-23 09:00:00.000000','import',NULL,'implementation','pieter',NULL,'{"file": "portfolio.csv", "line": 78}');
INSERT INTO "audit" VALUES(78,78,'2026-11-23 09:00:00.000000','import',NULL,'monitoring','pieter',NULL,'{"file": "portfolio.csv", "line": 79}');
INSERT INTO "audit" VALUES(79,79,'2026-11-23 09:00:00.000000','import',NULL,'forwarded','pieter',NULL,'{"file": "portfolio.csv", "line": 80}');
INSERT INTO "audit" VALUES(80,80,'2026-11-23 09:00:00.000000','import',NULL,'implementation','pieter',NULL,'{"file": "portfolio.csv", "line": 81}');
INSERT INTO "audit" VALUES(81,81,'2026-11-23 09:00:00.000000','import',NULL,'implementation','pieter',NULL,'{"file": "portfolio.csv", "line": 82}');
INSERT INTO "audit" VALUES(82,82,'2026-11-23 09:00:00.000000','import',NULL,'approval','pieter',NULL,'{"file": "portfolio.csv", "line": 83}');
INSERT INTO "audit" VALUES(83,83,'2026-11-23 09:00:00.000000','import',NULL,'approval','pieter',NULL,'{"file": "portfolio.csv", "line": 84}');
INSERT INTO "audit" VALUES(84,84,'2026-11-23 09:00:00.000000','import',NULL,'withdrawn','pieter',NULL,'{"file": "portfolio.csv", "line": 85}');
INSERT INTO "audit" VALUES(85,85,'2026-11-23 09:00:00.000000','import',NULL,'on_hold','pieter',NULL,'{"file": "portfolio.csv", "line": 86}');
INSERT INTO "audit" VALUES(86,86,'2026-11-23 09:00:00.000000','import',NULL,'approval','pieter',NULL,'{"file": "portfolio.csv", "line": 87}');
INSERT INTO "audit" VALUES(87,87,'2026-11-23 09:00:00.000000','import',NULL,'pre_implementation','pieter',NULL,'{"file": "portfolio.csv", "line": 88}');
INSERT INTO "audit" VALUES(88,88,'2026-11-23 09:00:00.000000','import',NULL,'pre_implementation','pieter',NULL,'{"file": "portfolio.csv", "line": 89}');
INSERT INTO "audit" VALUES(89,89,'2026-11-23 09:00:00.000000','import',NULL,'request','pieter',NULL,'{"file": "portfolio.csv", "line": 90}');
INSERT INTO "audit" VALUES(90,90,'2026-11-23 09:00:00.000000','import',NULL,'request','pieter',NULL,'{"file": "portfolio.csv", "line": 91}');
INSERT INTO "audit" VALUES(91,91,'2026-11-23 09:00:00.000000','import',NULL,'request','pieter',NULL,'{"file": "portfolio.csv", "line": 92}');
INSERT INTO "audit" VALUES(92,92,'2026-11-23 09:00:00.000000','register',NULL,'request','ana',NULL,'{"name": "Ghana II", "requester": "Ghana Immigration Service", "requester_type": "national_authority", "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email", "received_on": "2026-02-27", "focal_point": "Head of Policy", "project_officer": "ana"}');
INSERT INTO "audit" VALUES(93,93,'2026-11-26 09:00:00.000000','register',NULL,'request','ana',NULL,'{"name": "Ghana II", "requester": "Ghana Immigration Service", "requester_type": "national_authority", "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email", "received_on": "2026-02-27", "focal_point": "Head of Policy", "project_officer": "ana"}');
INSERT INTO "audit" VALUES(94,93,'2026-11-26 09:00:00.000000','accept','request','pre_implementation','ana',NULL,'{}');
INSERT INTO "audit" VALUES(95,94,'2026-11-29 09:00:00.000000','register',NULL,'request','ana',NULL,'{"name": "Ghana II", "requester": "Ghana Immigration Service", "requester_type": "national_authority", "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email", "received_on": "2026-02-27", "focal_point": "Head of Policy", "project_officer": "ana"}');
INSERT INTO "audit" VALUES(96,94,'2026-11-29 09:00:00.000000','accept','request','pre_implementation','ana',NULL,'{}');
INSERT INTO "audit" VALUES(97,94,'2026-11-29 09:00:00.000000','submit_fiche','pre_implementation','approval','lea',NULL,'{"fiche": {"objective": "Support the national labour migration strategy", "intervention_logic": "Peer review, then training of trainers", "activities": [{"type": "workshop", "title": "Kick-off workshop", "start": "2026-05-04", "end": "2026-05-06", "place": "Accra", "status": "delivered"}]}}');
INSERT INTO "audit" VALUES(98,95,'2026-12-02 09:00:00.000000','register',NULL,'request','ana',NULL,'{"name": "Ghana II", "requester": "Ghana Immigration Service", "requester_type": "national_authority", "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email", "received_on": "2026-02-27", "focal_point": "Head of Policy", "project_officer": "ana"}');
INSERT INTO "audit" VALUES(99,95,'2026-12-02 09:00:00.000000','accept','request','pre_implementation','ana',NULL,'{}');
INSERT INTO "audit" VALUES(100,95,'2026-12-02 09:00:00.000000','submit_fiche','pre_implementation','approval','lea',NULL,'{"fiche": {"objective": "Support the national labour migration strategy", "intervention_logic": "Peer review, then training of trainers", "activities": [{"type": "workshop", "title": "Kick-off workshop", "start": "2026-05-04", "end": "2026-05-06", "place": "Accra", "status": "delivered"}]}}');
INSERT INTO "audit" VALUES(101,95,'2026-12-02 09:00:00.000000','approve','approval','implementation','psg-devco',NULL,'{"psg_decision_on": "2026-03-20"}');
INSERT INTO "audit" VALUES(102,96,'2026-12-05 09:00:00.000000','register',NULL,'request','ana',NULL,'{"name": "Ghana II", "requester": "Ghana Immigration Service", "requester_type": "national_authority", "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email", "received_on": "2026-02-27", "focal_point": "Head of Policy", "project_officer": "ana"}');
INSERT INTO "audit" VALUES(103,96,'2026-12-05 09:00:00.000000','accept','request','pre_implementation','ana',NULL,'{}');
INSERT INTO "audit" VALUES(104,96,'2026-12-05 09:00:00.000000','submit_fiche','pre_implementation','approval','lea',NULL,'{"fiche": {"objective": "Support the national labour migration strategy", "intervention_logic": "Peer review, then training of trainers", "activities": [{"type": "workshop", "title": "Kick-off workshop", "start": "2026-05-04", "end": "2026-05-06", "place": "Accra", "status": "delivered"}]}}');
INSERT INTO "audit" VALUES(105,96,'2026-12-05 09:00:00.000000','approve','approval','implementation','psg-devco',NULL,'{"psg_decision_on": "2026-03-20"}');
INSERT INTO "audit" VALUES(106,96,'2026-12-05 09:00:00.000000','finish_implementation','implementation','monitoring','ana',NULL,'{}');
INSERT INTO "audit" VALUES(107,97,'2026-12-08 09:00:00.000000','register',NULL,'request','ana',NULL,'{"name": "Ghana II", "requester": "Ghana Immigration Service", "requester_type": "national_authority", "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email", "received_on": "2026-02-27", "focal_point": "Head of Policy", "project_officer": "ana"}');
INSERT INTO "audit" VALUES(108,97,'2026-12-08 09:00:00.000000','accept','request','pre_implementation','ana',NULL,'{}');
INSERT INTO "audit" VALUES(109,97,'2026-12-08 09:00:00.000000','submit_fiche','pre_implementation','approval','lea',NULL,'{"fiche": {"objective": "Support the national labour migration strategy", "intervention_logic": "Peer review, then training of trainers", "activities": [{"type": "workshop", "title": "Kick-off workshop", "start": "2026-05-04", "end": "2026-05-06", "place": "Accra", "status": "delivered"}]}}');
INSERT INTO "audit" VALUES(110,97,'2026-12-08 09:00:00.000000','approve','approval','implementation','psg-devco',NULL,'{"psg_decision_on": "2026-03-20"}');
INSERT INTO "audit" VALUES(111,97,'2026-12-08 09:00:00.000000','finish_implementation','implementation','monitoring','ana',NULL,'{}');
INSERT INTO "audit" VALUES(112,97,'2026-12-08 09:00:00.000000','start_closure','monitoring','closure','ana',NULL,'{"monitoring_completed_on": "2026-09-01"}');
INSERT INTO "audit" VALUES(113,98,'2026-12-11 09:00:00.000000','register',NULL,'request','ana',NULL,'{"name": "Ghana II", "requester": "Ghana Immigration Service", "requester_type": "national_authority", "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email", "received_on": "2026-02-27", "focal_point": "Head of Policy", "project_officer": "ana"}');
INSERT INTO "audit" VALUES(114,98,'2026-12-11 09:00:00.000000','accept','request','pre_implementation','ana',NULL,'{}');
INSERT INTO "audit" VALUES(115,98,'2026-12-11 09:00:00.000000','submit_fiche','pre_implementation','approval','lea',NULL,'{"fiche": {"objective": "Support the national labour migration strategy", "intervention_logic": "Peer review, then training of trainers", "activities": [{"type": "workshop", "title": "Kick-off workshop", "start": "2026-05-04", "end": "2026-05-06", "place": "Accra", "status": "delivered"}]}}');
INSERT INTO "audit" VALUES(116,98,'2026-12-11 09:00:00.000000','approve','approval','implementation','psg-devco',NULL,'{"psg_decision_on": "2026-03-20"}');
INSERT INTO "audit" VALUES(117,98,'2026-12-11 09:00:00.000000','finish_implementation','implementation','monitoring','ana',NULL,'{}');
INSERT INTO "audit" VALUES(118,98,'2026-12-11 09:00:00.000000','start_closure','monitoring','closure','ana',NULL,'{"monitoring_completed_on": "2026-09-01"}');
INSERT INTO "audit" VALUES(119,98,'2026-12-11 09:00:00.000000','close','closure','closed','pieter',NULL,'{"final_report": "https://example.org/report.pdf", "lessons_learnt": "Start the logistics early"}');
INSERT INTO "audit" VALUES(120,99,'2026-12-14 09:00:00.000000','register',NULL,'request','ana',NULL,'{"name": "Ghana II", "requester": "Ghana Immigration Service", "requester_type": "national_authority", "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email", "received_on": "2026-02-27", "focal_point": "Head of Policy", "project_officer": "ana"}');
INSERT INTO "audit" VALUES(121,99,'2026-12-14 09:00:00.000000','reject','request','rejected','ana','outside MIEUX''s mandate','{}');
INSERT INTO "audit" VALUES(122,100,'2026-12-17 09:00:00.000000','register',NULL,'request','ana',NULL,'{"name": "Ghana II", "requester": "Ghana Immigration Service", "requester_type": "national_authority", "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email", "received_on": "2026-02-27", "focal_point": "Head of Policy", "project_officer": "ana"}');
INSERT INTO "audit" VALUES(123,100,'2026-12-17 09:00:00.000000','forward','request','forwarded','ana',NULL,'{"forwarded_to": "Migration Partnership Facility"}');
INSERT INTO "audit" VALUES(124,101,'2026-12-20 09:00:00.000000','register',NULL,'request','ana',NULL,'{"name": "Ghana II", "requester": "Ghana Immigration Service", "requester_type": "national_authority", "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email", "received_on": "2026-02-27", "focal_point": "Head of Policy", "project_officer": "ana"}');
INSERT INTO "audit" VALUES(125,101,'2026-12-20 09:00:00.000000','withdraw','request','withdrawn','ana','the partner withdrew','{}');
INSERT INTO "audit" VALUES(126,102,'2026-12-23 09:00:00.000000','register',NULL,'request','ana',NULL,'{"name": "Ghana II", "requester": "Ghana Immigration Service", "requester_type": "national_authority", "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email", "received_on": "2026-02-27", "focal_point": "Head of Policy", "project_officer": "ana"}');
INSERT INTO "audit" VALUES(127,102,'2026-12-23 09:00:00.000000','suspend','request','on_hold','ana','elections','{}');
CREATE TABLE cursor (
	name VARCHAR NOT NULL, 
	position INTEGER NOT NULL, 
	CONSTRAINT pk_cursor PRIMARY KEY (name)
);
CREATE TABLE deadline (
	id INTEGER NOT NULL, 
	action_id INTEGER NOT NULL, 
	kind VARCHAR NOT NULL, 
	label VARCHAR NOT NULL, 
	process VARCHAR NOT NULL, 
	due_at DATETIME NOT NULL, 
	status VARCHAR NOT NULL, 
	started_at DATETIME NOT NULL, 
	stopped_at DATETIME, 
	stopped_by VARCHAR, 
	overdue_since DATETIME, 
	CONSTRAINT pk_deadline PRIMARY KEY (id), 
	CONSTRAINT fk_deadline_action_id_action FOREIGN KEY(action_id) REFERENCES action (id)
);
INSERT INTO "deadline" VALUES(1,64,'final_report','Final report due','monitoring_evaluation','2026-12-23 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(2,69,'final_report','Final report due','monitoring_evaluation','2026-12-23 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(3,71,'final_report','Final report due','monitoring_evaluation','2026-12-23 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(4,74,'watch_on_hold','Long on hold','pre_implementation','2027-02-21 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,NULL);
INSERT INTO "deadline" VALUES(5,76,'watch_on_hold','Long on hold','pre_implementation','2027-02-21 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,NULL);
INSERT INTO "deadline" VALUES(6,82,'psg_decision','PSG decision due','pre_implementation','2026-12-07 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(7,82,'watch_approval','Long awaiting PSG approval','pre_implementation','2026-12-21 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(8,83,'psg_decision','PSG decision due','pre_implementation','2026-12-07 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(9,83,'watch_approval','Long awaiting PSG approval','pre_implementation','2026-12-21 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(10,85,'watch_on_hold','Long on hold','pre_implementation','2027-02-21 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,NULL);
INSERT INTO "deadline" VALUES(11,86,'psg_decision','PSG decision due','pre_implementation','2026-12-07 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(12,86,'watch_approval','Long awaiting PSG approval','pre_implementation','2026-12-21 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(13,87,'fiche','Action Fiche due','pre_implementation','2026-08-16 07:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(14,87,'watch_pre_implementation','Long in pre-implementation','pre_implementation','2027-01-22 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,NULL);
INSERT INTO "deadline" VALUES(15,88,'fiche','Action Fiche due','pre_implementation','2026-08-28 07:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(16,88,'watch_pre_implementation','Long in pre-implementation','pre_implementation','2027-01-22 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,NULL);
INSERT INTO "deadline" VALUES(17,89,'fiche','Action Fiche due','pre_implementation','2026-10-03 07:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(18,90,'fiche','Action Fiche due','pre_implementation','2026-10-25 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(19,91,'fiche','Action Fiche due','pre_implementation','2026-10-27 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(20,92,'fiche','Action Fiche due','pre_implementation','2026-03-20 08:00:00.000000','pending','2026-11-23 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(21,93,'fiche','Action Fiche due','pre_implementation','2026-03-20 08:00:00.000000','pending','2026-11-26 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(22,93,'watch_pre_implementation','Long in pre-implementation','pre_implementation','2027-01-25 08:00:00.000000','pending','2026-11-26 09:00:00.000000',NULL,NULL,NULL);
INSERT INTO "deadline" VALUES(23,94,'fiche','Action Fiche due','pre_implementation','2026-03-20 08:00:00.000000','missed','2026-11-29 09:00:00.000000','2026-11-29 09:00:00.000000','submit_fiche',NULL);
INSERT INTO "deadline" VALUES(24,94,'watch_pre_implementation','Long in pre-implementation','pre_implementation','2027-01-28 08:00:00.000000','met','2026-11-29 09:00:00.000000','2026-11-29 09:00:00.000000','submit_fiche',NULL);
INSERT INTO "deadline" VALUES(25,94,'psg_decision','PSG decision due','pre_implementation','2026-12-11 08:00:00.000000','pending','2026-11-29 09:00:00.000000',NULL,NULL,'2026-12-26 09:00:00.000000');
INSERT INTO "deadline" VALUES(26,94,'watch_approval','Long awaiting PSG approval','pre_implementation','2027-01-05 08:00:00.000000','pending','2026-11-29 09:00:00.000000',NULL,NULL,NULL);
INSERT INTO "deadline" VALUES(27,95,'fiche','Action Fiche due','pre_implementation','2026-03-20 08:00:00.000000','missed','2026-12-02 09:00:00.000000','2026-12-02 09:00:00.000000','submit_fiche',NULL);
INSERT INTO "deadline" VALUES(28,95,'watch_pre_implementation','Long in pre-implementation','pre_implementation','2027-01-31 08:00:00.000000','met','2026-12-02 09:00:00.000000','2026-12-02 09:00:00.000000','submit_fiche',NULL);
INSERT INTO "deadline" VALUES(29,95,'psg_decision','PSG decision due','pre_implementation','2026-12-16 08:00:00.000000','met','2026-12-02 09:00:00.000000','2026-12-02 09:00:00.000000','approve',NULL);
INSERT INTO "deadline" VALUES(30,95,'watch_approval','Long awaiting PSG approval','pre_implementation','2027-01-08 08:00:00.000000','met','2026-12-02 09:00:00.000000','2026-12-02 09:00:00.000000','approve',NULL);
INSERT INTO "deadline" VALUES(31,96,'fiche','Action Fiche due','pre_implementation','2026-03-20 08:00:00.000000','missed','2026-12-05 09:00:00.000000','2026-12-05 09:00:00.000000','submit_fiche',NULL);
INSERT INTO "deadline" VALUES(32,96,'watch_pre_implementation','Long in pre-implementation','pre_implementation','2027-02-03 08:00:00.000000','met','2026-12-05 09:00:00.000000','2026-12-05 09:00:00.000000','submit_fiche',NULL);
INSERT INTO "deadline" VALUES(33,96,'psg_decision','PSG decision due','pre_implementation','2026-12-18 08:00:00.000000','met','2026-12-05 09:00:00.000000','2026-12-05 09:00:00.000000','approve',NULL);
INSERT INTO "deadline" VALUES(34,96,'watch_approval','Long awaiting PSG approval','pre_implementation','2027-01-12 08:00:00.000000','met','2026-12-05 09:00:00.000000','2026-12-05 09:00:00.000000','approve',NULL);
INSERT INTO "deadline" VALUES(35,97,'fiche','Action Fiche due','pre_implementation','2026-03-20 08:00:00.000000','missed','2026-12-08 09:00:00.000000','2026-12-08 09:00:00.000000','submit_fiche',NULL);
INSERT INTO "deadline" VALUES(36,97,'watch_pre_implementation','Long in pre-implementation','pre_implementation','2027-02-06 08:00:00.000000','met','2026-12-08 09:00:00.000000','2026-12-08 09:00:00.000000','submit_fiche',NULL);
INSERT INTO "deadline" VALUES(37,97,'psg_decision','PSG decision due','pre_implementation','2026-12-22 08:00:00.000000','met','2026-12-08 09:00:00.000000','2026-12-08 09:00:00.000000','approve',NULL);
INSERT INTO "deadline" VALUES(38,97,'watch_approval','Long awaiting PSG approval','pre_implementation','2027-01-14 08:00:00.000000','met','2026-12-08 09:00:00.000000','2026-12-08 09:00:00.000000','approve',NULL);
INSERT INTO "deadline" VALUES(39,97,'final_report','Final report due','monitoring_evaluation','2027-01-07 08:00:00.000000','pending','2026-12-08 09:00:00.000000',NULL,NULL,NULL);
INSERT INTO "deadline" VALUES(40,98,'fiche','Action Fiche due','pre_implementation','2026-03-20 08:00:00.000000','missed','2026-12-11 09:00:00.000000','2026-12-11 09:00:00.000000','submit_fiche',NULL);
INSERT INTO "deadline" VALUES(41,98,'watch_pre_implementation','Long in pre-implementation','pre_implementation','2027-02-09 08:00:00.000000','met','2026-12-11 09:00:00.000000','2026-12-11 09:00:00.000000','submit_fiche',NULL);
INSERT INTO "deadline" VALUES(42,98,'psg_decision','PSG decision due','pre_implementation','2027-01-05 08:00:00.000000','met','2026-12-11 09:00:00.000000','2026-12-11 09:00:00.000000','approve',NULL);
INSERT INTO "deadline" VALUES(43,98,'watch_approval','Long awaiting PSG approval','pre_implementation','2027-01-19 08:00:00.000000','met','2026-12-11 09:00:00.000000','2026-12-11 09:00:00.000000','approve',NULL);
INSERT INTO "deadline" VALUES(44,98,'final_report','Final report due','monitoring_evaluation','2027-01-10 08:00:00.000000','met','2026-12-11 09:00:00.000000','2026-12-11 09:00:00.000000','close',NULL);
INSERT INTO "deadline" VALUES(45,99,'fiche','Action Fiche due','pre_implementation','2026-03-20 08:00:00.000000','cancelled','2026-12-14 09:00:00.000000','2026-12-14 09:00:00.000000','reject',NULL);
INSERT INTO "deadline" VALUES(46,100,'fiche','Action Fiche due','pre_implementation','2026-03-20 08:00:00.000000','cancelled','2026-12-17 09:00:00.000000','2026-12-17 09:00:00.000000','forward',NULL);
INSERT INTO "deadline" VALUES(47,101,'fiche','Action Fiche due','pre_implementation','2026-03-20 08:00:00.000000','cancelled','2026-12-20 09:00:00.000000','2026-12-20 09:00:00.000000','withdraw',NULL);
INSERT INTO "deadline" VALUES(48,102,'fiche','Action Fiche due','pre_implementation','2026-03-20 08:00:00.000000','cancelled','2026-12-23 09:00:00.000000','2026-12-23 09:00:00.000000','suspend',NULL);
INSERT INTO "deadline" VALUES(49,102,'watch_on_hold','Long on hold','pre_implementation','2027-03-23 08:00:00.000000','pending','2026-12-23 09:00:00.000000',NULL,NULL,NULL);
CREATE TABLE delivery (
	id INTEGER NOT NULL, 
	alert_id INTEGER NOT NULL, 
	person VARCHAR NOT NULL, 
	channel VARCHAR NOT NULL, 
	"key" VARCHAR NOT NULL, 
	digest BOOLEAN NOT NULL, 
	status VARCHAR NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt_at DATETIME NOT NULL, 
	claimed_by VARCHAR, 
	claimed_at DATETIME, 
	sent_at DATETIME, 
	last_error VARCHAR, 
	CONSTRAINT pk_delivery PRIMARY KEY (id), 
	CONSTRAINT fk_delivery_alert_id_alert FOREIGN KEY(alert_id) REFERENCES alert (id), 
	CONSTRAINT uq_delivery_key UNIQUE ("key")
);
CREATE TABLE reference_counter (
	year INTEGER NOT NULL, 
	last INTEGER NOT NULL, 
	CONSTRAINT pk_reference_counter PRIMARY KEY (year)
);
INSERT INTO "reference_counter" VALUES(2009,6);
INSERT INTO "reference_counter" VALUES(2010,4);
INSERT INTO "reference_counter" VALUES(2011,4);
INSERT INTO "reference_counter" VALUES(2012,6);
INSERT INTO "reference_counter" VALUES(2013,6);
INSERT INTO "reference_counter" VALUES(2014,5);
INSERT INTO "reference_counter" VALUES(2015,5);
INSERT INTO "reference_counter" VALUES(2016,3);
INSERT INTO "reference_counter" VALUES(2017,4);
INSERT INTO "reference_counter" VALUES(2018,4);
INSERT INTO "reference_counter" VALUES(2019,4);
INSERT INTO "reference_counter" VALUES(2020,2);
INSERT INTO "reference_counter" VALUES(2021,3);
INSERT INTO "reference_counter" VALUES(2022,5);
INSERT INTO "reference_counter" VALUES(2023,5);
INSERT INTO "reference_counter" VALUES(2024,8);
INSERT INTO "reference_counter" VALUES(2025,8);
INSERT INTO "reference_counter" VALUES(2026,20);
CREATE TABLE setting (
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	CONSTRAINT pk_setting PRIMARY KEY ("key")
);
CREATE TABLE timer (
	id INTEGER NOT NULL, 
	deadline_id INTEGER NOT NULL, 
	action_id INTEGER NOT NULL, 
	point VARCHAR NOT NULL, 
	seq INTEGER NOT NULL, 
	fire_at DATETIME NOT NULL, 
	tell JSON NOT NULL, 
	status VARCHAR NOT NULL, 
	fired_at DATETIME, 
	flow_run_id VARCHAR, 
	mirrored VARCHAR, 
	CONSTRAINT pk_timer PRIMARY KEY (id), 
	CONSTRAINT fk_timer_action_id_action FOREIGN KEY(action_id) REFERENCES action (id), 
	CONSTRAINT fk_timer_deadline_id_deadline FOREIGN KEY(deadline_id) REFERENCES deadline (id)
);
INSERT INTO "timer" VALUES(1,1,64,'reminder',1,'2026-12-16 08:00:00.000000','["project_officer"]','coalesced','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(2,1,64,'due',0,'2026-12-23 08:00:00.000000','["project_officer", "programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(3,2,69,'reminder',1,'2026-12-16 08:00:00.000000','["project_officer"]','coalesced','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(4,2,69,'due',0,'2026-12-23 08:00:00.000000','["project_officer", "programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(5,3,71,'reminder',1,'2026-12-16 08:00:00.000000','["project_officer"]','coalesced','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(6,3,71,'due',0,'2026-12-23 08:00:00.000000','["project_officer", "programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(7,4,74,'due',0,'2027-02-21 08:00:00.000000','["programme_manager"]','pending',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(8,5,76,'due',0,'2027-02-21 08:00:00.000000','["programme_manager"]','pending',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(9,6,82,'due',0,'2026-12-07 08:00:00.000000','["programme_manager", "project_officer"]','coalesced','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(10,6,82,'escalation',1,'2026-12-14 08:00:00.000000','["programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(11,7,82,'due',0,'2026-12-21 08:00:00.000000','["programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(12,8,83,'due',0,'2026-12-07 08:00:00.000000','["programme_manager", "project_officer"]','coalesced','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(13,8,83,'escalation',1,'2026-12-14 08:00:00.000000','["programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(14,9,83,'due',0,'2026-12-21 08:00:00.000000','["programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(15,10,85,'due',0,'2027-02-21 08:00:00.000000','["programme_manager"]','pending',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(16,11,86,'due',0,'2026-12-07 08:00:00.000000','["programme_manager", "project_officer"]','coalesced','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(17,11,86,'escalation',1,'2026-12-14 08:00:00.000000','["programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(18,12,86,'due',0,'2026-12-21 08:00:00.000000','["programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(19,13,87,'reminder',1,'2026-08-10 07:00:00.000000','["project_officer"]','coalesced','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(20,13,87,'due',0,'2026-08-16 07:00:00.000000','["project_officer", "programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(21,14,87,'due',0,'2027-01-22 08:00:00.000000','["programme_manager"]','pending',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(22,15,88,'reminder',1,'2026-08-21 07:00:00.000000','["project_officer"]','coalesced','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(23,15,88,'due',0,'2026-08-28 07:00:00.000000','["project_officer", "programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(24,16,88,'due',0,'2027-01-22 08:00:00.000000','["programme_manager"]','pending',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(25,17,89,'reminder',1,'2026-09-28 07:00:00.000000','["project_officer"]','coalesced','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(26,17,89,'due',0,'2026-10-03 07:00:00.000000','["project_officer", "programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(27,18,90,'reminder',1,'2026-10-19 07:00:00.000000','["project_officer"]','coalesced','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(28,18,90,'due',0,'2026-10-25 08:00:00.000000','["project_officer", "programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(29,19,91,'reminder',1,'2026-10-20 07:00:00.000000','["project_officer"]','coalesced','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(30,19,91,'due',0,'2026-10-27 08:00:00.000000','["project_officer", "programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(31,20,92,'reminder',1,'2026-03-13 08:00:00.000000','["project_officer"]','coalesced','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(32,20,92,'due',0,'2026-03-20 08:00:00.000000','["project_officer", "programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(33,21,93,'reminder',1,'2026-03-13 08:00:00.000000','["project_officer"]','coalesced','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(34,21,93,'due',0,'2026-03-20 08:00:00.000000','["project_officer", "programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(35,22,93,'due',0,'2027-01-25 08:00:00.000000','["programme_manager"]','pending',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(36,23,94,'reminder',1,'2026-03-13 08:00:00.000000','["project_officer"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(37,23,94,'due',0,'2026-03-20 08:00:00.000000','["project_officer", "programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(38,24,94,'due',0,'2027-01-28 08:00:00.000000','["programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(39,25,94,'due',0,'2026-12-11 08:00:00.000000','["programme_manager", "project_officer"]','coalesced','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(40,25,94,'escalation',1,'2026-12-18 08:00:00.000000','["programme_manager"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(41,26,94,'due',0,'2027-01-05 08:00:00.000000','["programme_manager"]','pending',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(42,27,95,'reminder',1,'2026-03-13 08:00:00.000000','["project_officer"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(43,27,95,'due',0,'2026-03-20 08:00:00.000000','["project_officer", "programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(44,28,95,'due',0,'2027-01-31 08:00:00.000000','["programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(45,29,95,'due',0,'2026-12-16 08:00:00.000000','["programme_manager", "project_officer"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(46,29,95,'escalation',1,'2026-12-23 08:00:00.000000','["programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(47,30,95,'due',0,'2027-01-08 08:00:00.000000','["programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(48,31,96,'reminder',1,'2026-03-13 08:00:00.000000','["project_officer"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(49,31,96,'due',0,'2026-03-20 08:00:00.000000','["project_officer", "programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(50,32,96,'due',0,'2027-02-03 08:00:00.000000','["programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(51,33,96,'due',0,'2026-12-18 08:00:00.000000','["programme_manager", "project_officer"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(52,33,96,'escalation',1,'2027-01-05 08:00:00.000000','["programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(53,34,96,'due',0,'2027-01-12 08:00:00.000000','["programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(54,35,97,'reminder',1,'2026-03-13 08:00:00.000000','["project_officer"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(55,35,97,'due',0,'2026-03-20 08:00:00.000000','["project_officer", "programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(56,36,97,'due',0,'2027-02-06 08:00:00.000000','["programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(57,37,97,'due',0,'2026-12-22 08:00:00.000000','["programme_manager", "project_officer"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(58,37,97,'escalation',1,'2027-01-07 08:00:00.000000','["programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(59,38,97,'due',0,'2027-01-14 08:00:00.000000','["programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(60,39,97,'reminder',1,'2026-12-22 08:00:00.000000','["project_officer"]','fired','2026-12-26 09:00:00.000000',NULL,NULL);
INSERT INTO "timer" VALUES(61,39,97,'due',0,'2027-01-07 08:00:00.000000','["project_officer", "programme_manager"]','pending',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(62,40,98,'reminder',1,'2026-03-13 08:00:00.000000','["project_officer"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(63,40,98,'due',0,'2026-03-20 08:00:00.000000','["project_officer", "programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(64,41,98,'due',0,'2027-02-09 08:00:00.000000','["programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(65,42,98,'due',0,'2027-01-05 08:00:00.000000','["programme_manager", "project_officer"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(66,42,98,'escalation',1,'2027-01-12 08:00:00.000000','["programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(67,43,98,'due',0,'2027-01-19 08:00:00.000000','["programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(68,44,98,'reminder',1,'2027-01-04 08:00:00.000000','["project_officer"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(69,44,98,'due',0,'2027-01-10 08:00:00.000000','["project_officer", "programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(70,45,99,'reminder',1,'2026-03-13 08:00:00.000000','["project_officer"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(71,45,99,'due',0,'2026-03-20 08:00:00.000000','["project_officer", "programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(72,46,100,'reminder',1,'2026-03-13 08:00:00.000000','["project_officer"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(73,46,100,'due',0,'2026-03-20 08:00:00.000000','["project_officer", "programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(74,47,101,'reminder',1,'2026-03-13 08:00:00.000000','["project_officer"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(75,47,101,'due',0,'2026-03-20 08:00:00.000000','["project_officer", "programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(76,48,102,'reminder',1,'2026-03-13 08:00:00.000000','["project_officer"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(77,48,102,'due',0,'2026-03-20 08:00:00.000000','["project_officer", "programme_manager"]','cancelled',NULL,NULL,NULL);
INSERT INTO "timer" VALUES(78,49,102,'due',0,'2027-03-23 08:00:00.000000','["programme_manager"]','pending',NULL,NULL,NULL);
CREATE INDEX ix_action_received_on ON action (received_on);
CREATE INDEX ix_action_state ON action (state);
CREATE INDEX ix_audit_action_id ON audit (action_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE INDEX ix_alert_action_id ON alert (action_id);
CREATE INDEX ix_deadline_action_status ON deadline (action_id, status);
CREATE INDEX ix_timer_deadline_id ON timer (deadline_id);
CREATE INDEX ix_timer_due ON timer (fire_at) WHERE status = 'pending';
CREATE INDEX ix_timer_to_unmirror ON timer (id) WHERE status != 'pending' AND mirrored = 'scheduled';
CREATE INDEX ix_timer_unmirrored ON timer (id) WHERE status = 'pending' AND mirrored IS NULL;
CREATE INDEX ix_delivery_alert_id ON delivery (alert_id);
CREATE INDEX ix_delivery_due ON delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX ix_delivery_sending ON delivery (claimed_at) WHERE status = 'sending';
CREATE INDEX ix_alert_unrouted ON alert (id) WHERE routed_at IS NULL;
COMMIT;
