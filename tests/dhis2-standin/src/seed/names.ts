/** Names for generated relais communautaires and villages: common in Benin, with their accents. */
export const FIRST_NAMES = [
  'Afiavi', 'Adjoua', 'Akouavi', 'Aminatou', 'Azizath', 'Bernadette', 'Blandine', 'Chabi', 'Clarisse',
  'Codjo', 'Dossou', 'Élodie', 'Euloge', 'Fifamè', 'Florentine', 'Gbêtondji', 'Hermione', 'Honorine',
  'Houéfa', 'Idrissou', 'Inès', 'Jérôme', 'Koffi', 'Kossi', 'Mahougnon', 'Mariam', 'Mathias', 'Noélie',
  'Orou', 'Pélagie', 'Rachidatou', 'Sèna', 'Sika', 'Sourou', 'Tchabi', 'Théophile', 'Yétondé', 'Zinsou',
]

export const SURNAMES = [
  'Houénou', 'Adjovi', 'Agossou', 'Ahouandjinou', 'Akplogan', 'Assogba', 'Bio', 'Chabi', 'Dansou',
  'Djossou', 'Dossa', 'Gbaguidi', 'Hounkpatin', 'Hounsou', 'Kiki', 'Kora', 'Lokossou', 'Mama', 'Orou',
  'Quenum', 'Sagbo', 'Sanni', 'Soglo', 'Tossou', 'Yarou', 'Zannou', 'Zossou', 'Gandonou', 'Akpovi',
]

export const VILLAGE_ROOTS = [
  'Zè', 'Allada', 'Toffo', 'Sô-Ava', 'Abomey', 'Bohicon', 'Dassa', 'Savè', 'Glazoué', 'Kétou', 'Pobè',
  'Sakété', 'Adjohoun', 'Dangbo', 'Lokossa', 'Comè', 'Grand-Popo', 'Aplahoué', 'Djakotomey', 'Dogbo',
  'Kandi', 'Malanville', 'Banikoara', 'Natitingou', 'Tanguiéta', 'Djougou', 'Bassila', 'Parakou',
  'Nikki', 'Tchaourou', 'Bembèrèkè', 'Ouidah', 'Kpomassè', 'Tori-Bossito', 'Cotonou', 'Akpakpa',
  'Ouèssè', 'Bantè', 'Za-Kpota', 'Covè', 'Agbangnizoun', 'Houéyogbé', 'Athiémé', 'Klouékanmè',
]

export const VILLAGE_SUFFIXES = ['Centre', 'Nord', 'Sud', 'Est', 'Ouest', 'Gare', 'Marché', 'Plateau']
